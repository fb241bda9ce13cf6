//! `/admin`: the operator admins' page, one section per file — accounts
//! (tenants and users), sensors, contracts.

pub mod accounts;
pub mod contracts;
pub mod sensors;

use leptos::prelude::*;

use self::accounts::AdminConsole;
use self::contracts::ContractRecorder;
use self::sensors::{SensorAdmin, SensorAdminData};
use crate::admin::{CreateTenant, CreateUser, list_tenants, list_users};
use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::tenant_select::TenantList;

#[component]
pub fn AdminPage() -> impl IntoView {
    // Every resource of the page is created here, before the role check's
    // suspense boundary: resources first created inside an already resolved
    // boundary hydrated intermittently out of step with the server's HTML
    // (an unrecoverable hydration panic on about one load in ten).
    let create_tenant = ServerAction::<CreateTenant>::new();
    let create_user = ServerAction::<CreateUser>::new();
    let tenants: TenantList =
        Resource::new(move || create_tenant.version().get(), |_| list_tenants());
    let users = Resource::new(
        move || (create_tenant.version().get(), create_user.version().get()),
        |_| list_users(),
    );
    let sensors = SensorAdminData::new();
    view! {
        <RequireArea area=Area::Admin>
            <AdminConsole create_tenant=create_tenant create_user=create_user tenants=tenants users=users />
            <SensorAdmin tenants=tenants data=sensors />
            <ContractRecorder tenants=tenants />
        </RequireArea>
    }
}
