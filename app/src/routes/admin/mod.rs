//! `/admin`: the operator admins' page, one section per file — accounts
//! (tenants and users), sensors, contracts.

pub mod accounts;
pub mod contracts;
pub mod sensors;

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};
use model::JsonText;

use self::accounts::AdminConsole;
use self::contracts::ContractRecorder;
use self::sensors::{SensorAdmin, SensorAdminData};
use crate::admin::{UserSummary, list_tenants, list_users};
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
///
/// The lists come as JSON text and the forms' actions are made by the
/// sections: `data()` is in the main file every page loads, so what it
/// names (decoders, actions' client code) would be too.
pub struct AdminPage {
    accounts_changed: Changed,
    tenants: TenantList,
    users: Resource<Result<JsonText<Vec<UserSummary>>, AppError>>,
    sensors: SensorAdminData,
}

/// Bumped by a section's form when it changed what the page's lists show,
/// so they are fetched again.
#[derive(Clone, Copy)]
pub struct Changed(RwSignal<u32>);

impl Changed {
    fn new() -> Changed {
        Changed(RwSignal::new(0))
    }

    fn track(self) -> u32 {
        self.0.get()
    }

    /// Bumps on every completed dispatch of `action` (in the browser, where
    /// actions run; the first run of the effect sees none).
    pub fn after<A>(self, action: ServerAction<A>)
    where
        A: leptos::server_fn::ServerFn + Send + Sync + Clone + 'static,
        A::Output: Send + Sync + 'static,
        A::Error: Send + Sync + 'static,
    {
        Effect::new(move |_| {
            if action.version().get() > 0 {
                self.0.update(|n| *n = n.wrapping_add(1));
            }
        });
    }
}

#[lazy_route]
impl LazyRoute for AdminPage {
    fn data() -> Self {
        let accounts_changed = Changed::new();
        AdminPage {
            accounts_changed,
            tenants: Resource::new(move || accounts_changed.track(), |_| list_tenants()),
            users: Resource::new(move || accounts_changed.track(), |_| list_users()),
            sensors: SensorAdminData::new(),
        }
    }

    fn view(this: Self) -> AnyView {
        let tenants = this.tenants;
        view! {
            <RequireArea area=Area::Admin>
                <AdminConsole changed=this.accounts_changed tenants=tenants users=this.users />
                <SensorAdmin tenants=tenants data=this.sensors />
                <ContractRecorder tenants=tenants />
            </RequireArea>
        }
        .into_any()
    }
}
