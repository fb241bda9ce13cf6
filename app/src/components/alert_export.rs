//! The alert export page as HTML rendered on the server: the tenant's
//! receivers with pause, resume and delete, the form that adds one, and
//! the delivery log. Every form is plain HTML posting to a server
//! function, which sends the browser back here. Only customer admins get
//! this page (the receivers' signing keys are on it).
//!
//! Addresses are typed by a customer admin and errors come from the
//! network: they enter the HTML only as text through the view macro,
//! which escapes them.

use leptos::prelude::*;
use model::exports::{DeliveryRow, ReceiverKind, ReceiverRow, SEVERITIES};

use crate::components::alerts::alert_href;
use crate::components::inventory::{grouped, html, utc_ms};
use crate::i18n::Lang;
use crate::i18n::alert_export::ExportWords;

/// What the page shows.
pub struct ExportSheet {
    pub receivers: Vec<ReceiverRow>,
    pub deliveries: Vec<DeliveryRow>,
}

pub fn render_export(sheet: ExportSheet, lang: Lang) -> String {
    html(lang, move || {
        let w = lang.alert_export();
        let receivers = receiver_table(&sheet.receivers, w);
        let log = delivery_log(&sheet.receivers, sheet.deliveries, w);
        view! {
            <h1>{w.title}</h1>
            <p class="muted">{w.intro}</p>
            <h2>{w.receivers}</h2>
            {receivers}
            {add_form(w)}
            <h2>{w.log}</h2>
            {log}
        }
    })
}

fn receiver_table(receivers: &[ReceiverRow], w: &'static ExportWords) -> AnyView {
    if receivers.is_empty() {
        return view! { <p class="muted" data-testid="export-none">{w.none}</p> }.into_any();
    }
    let rows = receivers
        .iter()
        .map(|r| {
            let id = r.id.to_string();
            let (state, toggle, enable) = if r.enabled {
                (w.enabled, w.pause, "false")
            } else {
                (w.paused, w.resume, "true")
            };
            let secret = (!r.secret.is_empty()).then(|| {
                view! {
                    <details class="small">
                        <summary>{w.secret}</summary>
                        <code data-testid="export-secret">{r.secret.clone()}</code>
                        <p class="muted">{w.secret_hint}</p>
                    </details>
                }
            });
            let own_ca = r
                .own_ca
                .then(|| view! { <div class="small muted" data-testid="export-own-ca">{w.own_ca}</div> });
            view! {
                <tr data-testid="export-receiver">
                    <td>{format!("#{}", r.id)}</td>
                    <td>{w.kind(&r.kind).to_owned()}</td>
                    <td><code>{r.address.clone()}</code>{own_ca}{secret}</td>
                    <td>{r.min_severity.clone()}</td>
                    <td data-testid="export-state">{state}</td>
                    <td class="num">{grouped(r.pending)}</td>
                    <td class="num">{grouped(r.delivered)}</td>
                    <td class="small">{format!("{} · {}", r.created_by, utc_ms(Some(r.created_at.saturating_mul(1000))))}</td>
                    <td>
                        <form method="post" action="/api/portal/set_export_receiver" class="inline">
                            <input type="hidden" name="id" value=id.clone() />
                            <input type="hidden" name="enabled" value=enable />
                            <button type="submit">{toggle}</button>
                        </form>
                        " "
                        <form method="post" action="/api/portal/delete_export_receiver" class="inline">
                            <input type="hidden" name="id" value=id />
                            <button type="submit" data-testid="export-delete">{w.delete}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="scroll">
            <table data-testid="export-receivers">
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>{w.kind}</th>
                        <th>{w.address}</th>
                        <th>{w.min_severity}</th>
                        <th>{w.state}</th>
                        <th>{w.waiting}</th>
                        <th>{w.delivered}</th>
                        <th>{w.added_by}</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn add_form(w: &'static ExportWords) -> impl IntoView + use<> {
    let kinds = ReceiverKind::ALL
        .iter()
        .map(|k| view! { <option value=k.as_str()>{w.kind(k.as_str()).to_owned()}</option> })
        .collect_view();
    let severities = SEVERITIES
        .iter()
        .map(|s| {
            let usual = *s == "medium";
            view! { <option value=*s selected=usual>{*s}</option> }
        })
        .collect_view();
    view! {
        <form class="decide" method="post" action="/api/portal/add_export_receiver" data-testid="export-add">
            <h3>{w.add_title}</h3>
            <label>{w.kind} <select name="kind">{kinds}</select></label>
            <label>{w.address} <input type="text" name="address" required maxlength="500" placeholder=w.address_hint /></label>
            <label>{w.min_severity} <select name="min_severity">{severities}</select></label>
            <label class="wide">{w.ca_pem}
                <textarea name="ca_pem" rows="3" maxlength="20000" placeholder="-----BEGIN CERTIFICATE-----" data-testid="export-ca"></textarea>
                <span class="small muted">{w.ca_pem_hint}</span>
            </label>
            <button type="submit">{w.add}</button>
        </form>
    }
}

fn delivery_log(
    receivers: &[ReceiverRow],
    deliveries: Vec<DeliveryRow>,
    w: &'static ExportWords,
) -> AnyView {
    if deliveries.is_empty() {
        return view! { <p class="muted" data-testid="export-log-none">{w.log_none}</p> }
            .into_any();
    }
    let address = |id: i64| {
        receivers
            .iter()
            .find(|r| r.id == id)
            .map(|r| format!("#{id} {}", r.address))
            .unwrap_or_else(|| format!("#{id}"))
    };
    let rows = deliveries
        .into_iter()
        .map(|d| {
            let when = if d.state == "pending" {
                utc_ms(Some(d.next_attempt_ms))
            } else {
                String::new()
            };
            view! {
                <tr data-testid="export-delivery" data-state=d.state.clone()>
                    <td>{address(d.receiver_id)}</td>
                    <td><a href=alert_href(d.alert_id)>{format!("#{} {}", d.alert_id, d.alert_type)}</a></td>
                    <td><span class=format!("sev sev-{}", d.severity)>{d.severity.clone()}</span></td>
                    <td>{w.delivery_state(&d.state).to_owned()}</td>
                    <td class="num">{d.attempts}</td>
                    <td>{utc_ms(d.last_attempt_ms)}</td>
                    <td>{when}</td>
                    <td class="small">{d.last_error.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="scroll">
            <table data-testid="export-log">
                <thead>
                    <tr>
                        <th>{w.receiver}</th>
                        <th>{w.alert}</th>
                        <th>{w.severity}</th>
                        <th>{w.state}</th>
                        <th>{w.attempts}</th>
                        <th>{w.last_attempt}</th>
                        <th>{w.next_attempt}</th>
                        <th>{w.error}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
