//! The portal's overview tab as HTML: the read-only sections
//! (`portal_summary`), the capture upload — its form for customer admins and
//! the result of the last upload, which the server's redirect puts in the
//! query string — and the customer's contract (`contract_statement`).
//!
//! Rendered on the server only ([`render`]): the form is a plain multipart
//! post that works without the page's code, so the tab loads no code of its
//! own beyond the frame every HTML tab shares (`portal_html`).

use leptos::prelude::*;
use model::portal::UploadOutcome;

use crate::i18n::{Lang, provide_lang, use_t};

/// The upload section's state for the signed-in user.
pub struct Upload {
    pub may_upload: bool,
    pub outcome: UploadOutcome,
}

/// The tab's content as HTML in `lang`; `summary` and `statement` are the
/// sections already rendered as HTML.
pub fn render(summary: String, upload: Upload, statement: Option<String>, lang: Lang) -> String {
    use leptos::tachys::view::RenderHtml;
    let owner = Owner::new();
    owner.with(|| {
        provide_lang(lang);
        view! { <Overview summary upload statement /> }.to_html()
    })
}

#[component]
fn Overview(summary: String, upload: Upload, statement: Option<String>) -> impl IntoView {
    let t = use_t()();
    let outcome = match upload.outcome {
        UploadOutcome::Nothing => None,
        UploadOutcome::Failed(e) => Some(
            view! { <p class="error" role="alert" data-testid="upload-error">{e}</p> }.into_any(),
        ),
        UploadOutcome::Stored {
            minutes,
            flows,
            cut,
        } => Some(
            view! {
                <p class="ok" role="status" data-testid="upload-done">
                    {t.s.uploaded} ": " {minutes} " " {t.s.minutes} ", " {flows} " " {t.s.flow_records}
                </p>
                {cut.map(|why| view! {
                    <p class="notice-inline" role="status" data-testid="upload-cut">{t.s.upload_cut} " " {why}</p>
                })}
            }
            .into_any(),
        ),
    };
    let form = upload.may_upload.then(|| {
        view! {
            <form method="post" action="/portal/pcap" enctype="multipart/form-data" class="row">
                <input type="file" name="capture" accept=".pcap,.pcapng,.cap" required data-testid="pcap-file" />
                <button type="submit" class="button primary" data-testid="pcap-submit">{t.s.upload}</button>
            </form>
        }
    });
    let contract = match statement {
        Some(html) => view! { <div inner_html=html></div> }.into_any(),
        None => {
            view! { <p class="muted" data-testid="no-contract">{t.c.no_contract}</p> }.into_any()
        }
    };
    view! {
        <div inner_html=summary></div>
        <section data-testid="pcap-upload">
            <h2>{t.s.upload_title}</h2>
            <p class="hint">{t.s.upload_hint}</p>
            {outcome}
            {form}
        </section>
        <section class="contract-statement" data-testid="contract-statement">
            <h2>{t.c.your_contract}</h2>
            {contract}
        </section>
    }
}
