//! Zones of the signed-in customer's tenant: the page that lists them
//! ([`zones_html`]) and the customer admins' forms that define, change and
//! delete them (`analysis::zones`: by network, VLAN or sensor). A change
//! shows at once: the inventory is labelled again in the same transaction.

use leptos::prelude::*;

use crate::error::AppError;

/// The zones page as HTML in `lang`: every zone (defined and each sensor's)
/// with its networks, VLANs and asset count; for customer admins, the
/// forms. A form the server refused comes back filled in, with the reason.
#[server(endpoint = "portal/zones_html")]
pub async fn zones_html(lang: crate::i18n::Lang) -> Result<String, AppError> {
    use crate::components::zones::{ZoneSheet, render_zones};
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            let tenant_id = tenant_of(&user)?;
            let state = server_state()?;
            let zones = state.inventory.zones(tenant_id).await?;
            let sensors = state.sensors.list(Some(tenant_id)).await?;
            Ok(render_zones(
                ZoneSheet {
                    zones,
                    sensors,
                    editable: user.may(crate::auth::Area::PortalManage),
                    refused: take_form_flash(ZONE_FORM),
                },
                lang,
            ))
        }
        .await,
    )
}

/// The name the zone forms' refusals come back under.
#[cfg(feature = "ssr")]
const ZONE_FORM: &str = "zone";

/// Defines a zone (`replacing` empty) or changes the one named `replacing`:
/// `networks` and `vlans` as typed (separated by commas or spaces),
/// `sensor` a sensor's public id or empty for any. Posted by the zones
/// page's plain form, which the browser returns to.
#[server(endpoint = "portal/save_zone")]
pub async fn save_zone(
    replacing: String,
    name: String,
    networks: String,
    vlans: String,
    sensor: String,
) -> Result<(), AppError> {
    use crate::ssr::*;
    let typed = [
        ("replacing", &replacing),
        ("name", &name),
        ("networks", &networks),
        ("vlans", &vlans),
        ("sensor", &sensor),
    ]
    .map(|(field, value)| (field.to_owned(), value.clone()));
    let result = async {
        let user = require_area(crate::auth::Area::PortalManage).await?;
        let tenant_id = tenant_of(&user)?;
        let state = server_state()?;
        let sensor = sensor.trim();
        if !sensor.is_empty() {
            let sensors = state.sensors.list(Some(tenant_id)).await?;
            if !sensors.iter().any(|s| s.public_id == sensor) {
                return Err(AppError::invalid(
                    "sensor",
                    format!("this tenant has no sensor {sensor:?}"),
                ));
            }
        }
        let rule = store::analysis::ZoneRule::parse(&name, &networks, &vlans, Some(sensor))
            .map_err(|problem| AppError::invalid("zone", problem))?;
        let replacing = Some(replacing.trim()).filter(|r| !r.is_empty());
        Ok(state
            .analysis
            .save_zone(tenant_id, replacing, rule, &user.username)
            .await?)
    }
    .await;
    form_outcome(result, || FormFlash {
        form: ZONE_FORM.into(),
        fields: typed.into(),
        ..FormFlash::default()
    })
}

/// Deletes the defined zone `name`: its addresses go back to other zones or
/// their sensors'.
#[server(endpoint = "portal/delete_zone")]
pub async fn delete_zone(name: String) -> Result<(), AppError> {
    use crate::ssr::*;
    let result = async {
        let user = require_area(crate::auth::Area::PortalManage).await?;
        let tenant_id = tenant_of(&user)?;
        Ok(server_state()?
            .analysis
            .delete_zone(tenant_id, &name, &user.username)
            .await?)
    }
    .await;
    form_outcome(result, || FormFlash {
        form: ZONE_FORM.into(),
        ..FormFlash::default()
    })
}
