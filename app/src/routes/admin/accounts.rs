//! The admin page's accounts section: tenants and users.

use leptos::form::ActionForm;
use leptos::prelude::*;

use super::Changed;
use crate::admin::{CreateTenant, CreateUser, UserSummary};
use crate::auth::Role;
use crate::components::tenant_select::{TenantList, TenantSelect};
use crate::error::{AppError, decoded};
use crate::i18n::{Catalogue, use_t};

/// Tenants and users: the lists and the forms that create them.
#[component]
pub fn AdminConsole(
    changed: Changed,
    tenants: TenantList,
    users: Resource<Result<model::JsonText<Vec<UserSummary>>, AppError>>,
) -> impl IntoView {
    let t = use_t();
    let create_tenant = ServerAction::<CreateTenant>::new();
    let create_user = ServerAction::<CreateUser>::new();
    changed.after(create_tenant);
    changed.after(create_user);
    let result_line = |value: Option<Result<String, crate::error::AppError>>| {
        value.map(|r| match r {
            Ok(name) => view! { <p class="ok" role="status">{move || use_t()().admin_created} ": " {name}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };

    view! {
        <section class="card" data-testid="admin-page">
            <h1>{move || t().admin_title}</h1>
            <div class="columns">
                <div>
                    <h2>{move || t().admin_tenants}</h2>
                    <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                        {move || Suspend::new(async move {
                            match decoded(tenants.await) {
                                Ok(list) => view! {
                                    <table data-testid="tenants">
                                        <thead><tr><th>{move || t().admin_id}</th><th>{move || t().admin_tenant_name}</th></tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|tn| view! { <tr><td>{tn.id}</td><td>{tn.name}</td></tr> }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any(),
                                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                    <h3>{move || t().admin_new_tenant}</h3>
                    <ActionForm action=create_tenant attr:class="stack">
                        <label>
                            {move || t().admin_tenant_name}
                            <input type="text" name="name" required data-testid="tenant-name-input" />
                        </label>
                        <button type="submit" class="button primary" data-testid="create-tenant">{move || t().admin_create}</button>
                    </ActionForm>
                    {move || result_line(create_tenant.value().get().map(|r| r.map(|tn| tn.name)))}
                </div>
                <div>
                    <h2>{move || t().admin_users}</h2>
                    <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                        {move || Suspend::new(async move {
                            match decoded(users.await) {
                                Ok(list) => view! {
                                    <table data-testid="users">
                                        <thead>
                                            <tr>
                                                <th>{move || t().login_username}</th>
                                                <th>{move || t().admin_display_name}</th>
                                                <th>{move || t().admin_role}</th>
                                                <th>{move || t().admin_tenant}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list.into_iter().map(|u| {
                                                let role = u.role;
                                                view! {
                                                    <tr>
                                                        <td>{u.username}</td>
                                                        <td>{u.display_name}</td>
                                                        <td>{move || t().role(role)}</td>
                                                        <td>{u.tenant_name.unwrap_or_default()}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any(),
                                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                    <h3>{move || t().admin_new_user}</h3>
                    <ActionForm action=create_user attr:class="stack">
                        <label>{move || t().login_username}<input type="text" name="username" required data-testid="new-username" /></label>
                        <label>{move || t().admin_display_name}<input type="text" name="display_name" required data-testid="new-display-name" /></label>
                        <label>{move || t().login_password}<input type="password" name="password" required minlength="10" autocomplete="new-password" data-testid="new-password" /></label>
                        <label>
                            {move || t().admin_role}
                            <select name="role" data-testid="new-role">
                                {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{move || t().role(r)}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>
                            {move || t().admin_tenant}
                            <TenantSelect
                                tenants=tenants
                                name="tenant"
                                testid="new-tenant"
                                empty=|t: &Catalogue| t.admin_no_tenant
                            />
                        </label>
                        <button type="submit" class="button primary" data-testid="create-user">{move || t().admin_create}</button>
                    </ActionForm>
                    {move || result_line(create_user.value().get().map(|r| r.map(|u| u.username)))}
                </div>
            </div>
        </section>
    }
}
