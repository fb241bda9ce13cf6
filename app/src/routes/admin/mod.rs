//! `/admin`: the operator admins' page, one section per file — accounts
//! (tenants and users), sensors, contracts.

pub mod accounts;
pub mod contracts;
pub mod sensors;

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use self::accounts::AdminConsole;
use self::contracts::ContractRecorder;
use self::sensors::{SensorAdmin, SensorAdminData};
use crate::admin::{CreateTenant, CreateUser, UserSummary, list_tenants, list_users};
use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::tenant_select::TenantList;
use crate::error::AppError;

/// The page's data, requested as soon as the route matches, while the
/// browser loads the page's code (its own WASM chunk, with the engine).
///
/// Every resource of the page is created here, before the role check's
/// suspense boundary: resources first created inside an already resolved
/// boundary hydrated intermittently out of step with the server's HTML (an
/// unrecoverable hydration panic on about one load in ten).
pub struct AdminPage {
    create_tenant: ServerAction<CreateTenant>,
    create_user: ServerAction<CreateUser>,
    tenants: TenantList,
    users: Resource<Result<Vec<UserSummary>, AppError>>,
    sensors: SensorAdminData,
}

#[lazy_route]
impl LazyRoute for AdminPage {
    fn data() -> Self {
        let create_tenant = ServerAction::<CreateTenant>::new();
        let create_user = ServerAction::<CreateUser>::new();
        AdminPage {
            create_tenant,
            create_user,
            tenants: Resource::new(move || create_tenant.version().get(), |_| list_tenants()),
            users: Resource::new(
                move || (create_tenant.version().get(), create_user.version().get()),
                |_| list_users(),
            ),
            sensors: SensorAdminData::new(),
        }
    }

    fn view(this: Self) -> AnyView {
        let tenants = this.tenants;
        view! {
            <RequireArea area=Area::Admin>
                <AdminConsole create_tenant=this.create_tenant create_user=this.create_user tenants=tenants users=this.users />
                <SensorAdmin tenants=tenants data=this.sensors />
                <ContractRecorder tenants=tenants />
            </RequireArea>
        }
        .into_any()
    }
}
