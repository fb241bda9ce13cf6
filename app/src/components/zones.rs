//! The zones page as HTML rendered on the server: every zone — the ones the
//! customer defined, then each sensor's — with what it covers and how many
//! assets it holds, linked to the asset table filtered by it; for customer
//! admins, forms that define, change, delete a zone or name a sensor's.
//! Every form is plain HTML posting to a server function, which sends the
//! browser back here; a refused form comes back filled in, with the reason.
//!
//! Zone names are typed by customers and sensor names by the operator:
//! they enter the HTML only as text through the view macro, which escapes
//! them, and links carry them percent-encoded.

use leptos::prelude::*;
use model::inventory::{ZoneRow, percent_encode};
use model::sensors::SensorSummary;

use crate::components::inventory::{grouped, html};
use crate::i18n::Lang;
use crate::i18n::zones::ZoneWords;
use crate::ssr::FormFlash;

/// What the page shows.
pub struct ZoneSheet {
    pub zones: Vec<ZoneRow>,
    pub sensors: Vec<SensorSummary>,
    /// The reader may change zones (a customer admin).
    pub editable: bool,
    /// A form the server refused, with what was typed.
    pub refused: Option<FormFlash>,
}

pub fn render_zones(sheet: ZoneSheet, lang: Lang) -> String {
    html(lang, move || {
        let w = lang.zones();
        let refused = sheet.refused.as_ref().map(|f| {
            view! { <p class="error" role="alert" data-testid="zone-error">{w.refused} ": " {f.error.clone()}</p> }
        });
        // A refused change reopens its zone's form; a refused new zone, the add form.
        let refused_zone = sheet
            .refused
            .as_ref()
            .and_then(|f| f.field("replacing"))
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        let add_values = match (&sheet.refused, &refused_zone) {
            (Some(f), None) => Values::typed(f),
            _ => Values::default(),
        };
        let table = zone_table(&sheet, refused_zone.as_deref(), w);
        let add = sheet.editable.then(|| {
            view! {
                <div class="decide" data-testid="zone-add">
                    <h3>{w.add_title}</h3>
                    {zone_form(&add_values, &sheet.sensors, w.add, w)}
                </div>
            }
        });
        let note = (!sheet.editable).then(|| view! { <p class="muted small">{w.viewer_note}</p> });
        view! {
            <h1>{w.title}</h1>
            <p class="muted">{w.intro}</p>
            {refused}
            {table}
            {add}
            {note}
        }
    })
}

/// What a zone form holds.
#[derive(Default)]
struct Values {
    replacing: String,
    name: String,
    networks: String,
    vlans: String,
    sensor: String,
}

impl Values {
    fn typed(f: &FormFlash) -> Values {
        let get = |n: &str| f.field(n).unwrap_or_default().to_owned();
        Values {
            replacing: get("replacing"),
            name: get("name"),
            networks: get("networks"),
            vlans: get("vlans"),
            sensor: get("sensor"),
        }
    }

    fn of(z: &ZoneRow) -> Values {
        Values {
            replacing: z.zone.clone(),
            name: z.zone.clone(),
            networks: z.networks.join(", "),
            vlans: vlan_list(&z.vlans),
            sensor: z.sensor.clone().unwrap_or_default(),
        }
    }
}

fn vlan_list(vlans: &[u16]) -> String {
    vlans
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn sensor_label(sensors: &[SensorSummary], public_id: &str) -> String {
    match sensors.iter().find(|s| s.public_id == public_id) {
        Some(s) => format!("{} ({})", s.name, s.public_id),
        None => public_id.to_owned(),
    }
}

fn zone_table(sheet: &ZoneSheet, refused_zone: Option<&str>, w: &'static ZoneWords) -> AnyView {
    if sheet.zones.is_empty() {
        return view! { <p class="muted" data-testid="zones-none">{w.none}</p> }.into_any();
    }
    let rows = sheet
        .zones
        .iter()
        .map(|z| {
            let href = format!("/portal/assets?zone={}", percent_encode(&z.zone));
            let kind = if z.defined { w.defined } else { w.automatic };
            let sensor = z
                .sensor
                .as_deref()
                .map(|s| sensor_label(&sheet.sensors, s))
                .unwrap_or_else(|| w.any_sensor.to_owned());
            let actions = sheet.editable.then(|| {
                let reopened = refused_zone == Some(z.zone.as_str());
                let values = match (&sheet.refused, reopened) {
                    (Some(f), true) => Values::typed(f),
                    _ if z.defined => Values::of(z),
                    // Naming a sensor's zone: everything that sensor sees.
                    _ => Values {
                        sensor: z.sensor.clone().unwrap_or_default(),
                        ..Values::default()
                    },
                };
                let (summary, submit) = if z.defined {
                    (w.edit, w.save)
                } else {
                    (w.define, w.add)
                };
                let delete = z.defined.then(|| {
                    view! {
                        <form method="post" action="/api/portal/delete_zone" class="inline">
                            <input type="hidden" name="name" value=z.zone.clone() />
                            <button type="submit" data-testid="zone-delete">{w.delete}</button>
                        </form>
                    }
                });
                view! {
                    <td>
                        <details open=reopened data-testid="zone-edit">
                            <summary>{summary}</summary>
                            {zone_form(&values, &sheet.sensors, submit, w)}
                        </details>
                        {delete}
                    </td>
                }
            });
            view! {
                <tr data-testid="zone-row" data-zone=z.zone.clone() data-defined=z.defined.to_string()>
                    <td><a href=href data-testid="zone-assets-link">{z.zone.clone()}</a></td>
                    <td>{kind}</td>
                    <td class="small">{z.networks.join(", ")}</td>
                    <td class="small">{vlan_list(&z.vlans)}</td>
                    <td class="small">{sensor}</td>
                    <td class="num" data-testid="zone-assets">{grouped(z.assets)}</td>
                    {actions}
                </tr>
            }
        })
        .collect_view();
    let actions_header = sheet.editable.then(|| view! { <th></th> });
    view! {
        <div class="scroll">
            <table data-testid="zones">
                <thead>
                    <tr>
                        <th>{w.zone}</th>
                        <th>{w.kind}</th>
                        <th>{w.networks}</th>
                        <th>{w.vlans}</th>
                        <th>{w.sensor}</th>
                        <th>{w.assets}</th>
                        {actions_header}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn zone_form(
    values: &Values,
    sensors: &[SensorSummary],
    submit: &'static str,
    w: &'static ZoneWords,
) -> impl IntoView + use<> {
    let any = values.sensor.is_empty();
    let mut options: Vec<(String, String)> = sensors
        .iter()
        .map(|s| (s.public_id.clone(), sensor_label(sensors, &s.public_id)))
        .collect();
    // A sensor typed or kept that the list no longer has stays choosable.
    if !any && !options.iter().any(|(id, _)| *id == values.sensor) {
        options.push((values.sensor.clone(), values.sensor.clone()));
    }
    let options = options
        .into_iter()
        .map(|(id, label)| {
            let chosen = id == values.sensor;
            view! { <option value=id selected=chosen>{label}</option> }
        })
        .collect_view();
    view! {
        <form class="stack" method="post" action="/api/portal/save_zone" data-testid="zone-form">
            <input type="hidden" name="replacing" value=values.replacing.clone() />
            <label>{w.name}
                <input type="text" name="name" required maxlength="64" value=values.name.clone() data-testid="zone-name" />
            </label>
            <label>{w.networks}
                <textarea name="networks" rows="2" maxlength="4000" placeholder="10.0.1.0/24, 10.0.2.0/24" data-testid="zone-networks">{values.networks.clone()}</textarea>
                <span class="small muted">{w.networks_hint}</span>
            </label>
            <label>{w.vlans}
                <input type="text" name="vlans" maxlength="400" value=values.vlans.clone() placeholder="10 20" data-testid="zone-vlans" />
                <span class="small muted">{w.vlans_hint}</span>
            </label>
            <label>{w.sensor}
                <select name="sensor" data-testid="zone-sensor">
                    <option value="" selected=any>{w.any_sensor}</option>
                    {options}
                </select>
                <span class="small muted">{w.sensor_hint}</span>
            </label>
            <button type="submit" data-testid="zone-save">{submit}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::sensors::SensorHealth;

    fn zone(name: &str, defined: bool) -> ZoneRow {
        ZoneRow {
            zone: name.into(),
            assets: 1234,
            networks: vec!["10.0.1.0/24".into()],
            vlans: vec![10, 20],
            defined,
            sensor: (!defined).then(|| "sen_a".into()),
        }
    }

    fn sensor() -> SensorSummary {
        SensorSummary {
            id: 1,
            public_id: "sen_a".into(),
            tenant_id: 1,
            tenant_name: "t".into(),
            name: "<i>Line 1</i>".into(),
            created_at: 0,
            revoked: false,
            health: SensorHealth::default(),
        }
    }

    fn page(editable: bool, refused: Option<FormFlash>) -> String {
        render_zones(
            ZoneSheet {
                zones: vec![zone("<script>x</script>", true), zone("sen_a", false)],
                sensors: vec![sensor()],
                editable,
                refused,
            },
            Lang::En,
        )
    }

    #[test]
    fn names_are_text_and_links_carry_them_encoded() {
        let html = page(true, None);
        assert!(!html.contains("<script>x"), "{html}");
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
        assert!(!html.contains("<i>Line 1"), "{html}");
        assert!(
            html.contains("/portal/assets?zone=%3Cscript%3Ex%3C%2Fscript%3E"),
            "{html}"
        );
        assert!(html.contains("1,234"), "{html}");
        assert!(html.contains("10, 20"), "{html}");
    }

    #[test]
    fn only_an_editor_gets_the_forms() {
        let editor = page(true, None);
        assert_eq!(
            editor.matches("data-testid=\"zone-form\"").count(),
            3,
            "two rows and the add form"
        );
        assert_eq!(
            editor.matches("data-testid=\"zone-delete\"").count(),
            1,
            "only the defined zone"
        );
        let viewer = page(false, None);
        assert!(!viewer.contains("zone-form"), "{viewer}");
        assert!(viewer.contains("Customer admins define zones"), "{viewer}");
    }

    #[test]
    fn a_refused_form_comes_back_filled_in_with_the_reason() {
        let flash = |replacing: &str| FormFlash {
            form: "zone".into(),
            error: "zone: \"10.0.1.5/24\" has host bits set".into(),
            fields: [
                ("replacing", replacing),
                ("name", "Cell 9"),
                ("networks", "10.0.1.5/24"),
                ("vlans", ""),
                ("sensor", "sen_a"),
            ]
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .into(),
        };
        let new = page(true, Some(flash("")));
        assert!(new.contains("zone-error"), "{new}");
        assert!(new.contains("has host bits set"), "{new}");
        assert!(new.contains(">10.0.1.5/24</textarea>"), "{new}");
        assert!(!new.contains("<details open"), "{new}");
        let changed = page(true, Some(flash("<script>x</script>")));
        assert_eq!(changed.matches("<details open").count(), 1, "{changed}");
        assert!(changed.contains(">10.0.1.5/24</textarea>"), "{changed}");
    }
}
