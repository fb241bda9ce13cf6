//! Demo data: two tenants and one user per role, so a new user can look around at once.

use std::path::{Path, PathBuf};

use app::ssr::ServerState;
use model::NewUser;
use model::Role;
use store::StoreError;
use store::{Accounts, password::generate_password};

use crate::pcap_upload::import_capture;

pub const DEMO_TENANT: &str = "デモ製作所 (Demo Manufacturing)";
pub const OTHER_TENANT: &str = "Other Plant Co.";

pub struct DemoAccount {
    pub username: &'static str,
    pub password: String,
    pub role: Role,
    pub tenant: Option<&'static str>,
}

/// Creates the demo tenants and users if missing and sets their passwords
/// (fresh random ones unless a fixed one is given), returning them for printing.
pub async fn seed(
    accounts: &Accounts,
    fixed_password: Option<&str>,
) -> Result<Vec<DemoAccount>, StoreError> {
    let mut tenant_ids = Vec::new();
    for name in [DEMO_TENANT, OTHER_TENANT] {
        let tenant = match accounts.find_tenant_by_name(name).await? {
            Some(t) => t,
            None => accounts.create_tenant(name).await?,
        };
        tenant_ids.push((name, tenant.id));
    }
    let tenant_id = |name: &str| {
        tenant_ids
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| *id)
    };
    let plan: [(&str, &str, Role, Option<&'static str>); 5] = [
        ("admin", "運用管理者 Admin", Role::OperatorAdmin, None),
        ("sales", "営業 Sales", Role::Sales, None),
        (
            "customer-admin",
            "工場管理者 Plant admin",
            Role::CustomerAdmin,
            Some(DEMO_TENANT),
        ),
        (
            "customer-viewer",
            "工場閲覧者 Plant viewer",
            Role::CustomerViewer,
            Some(DEMO_TENANT),
        ),
        (
            "other-admin",
            "他社管理者 Other admin",
            Role::CustomerAdmin,
            Some(OTHER_TENANT),
        ),
    ];
    let mut out = Vec::new();
    for (username, display_name, role, tenant) in plan {
        let password = fixed_password
            .map(str::to_owned)
            .unwrap_or_else(generate_password);
        accounts
            .ensure_user_with_password(&NewUser {
                username: username.to_owned(),
                display_name: display_name.to_owned(),
                password: password.clone(),
                role,
                tenant_id: tenant.and_then(tenant_id),
            })
            .await?;
        out.push(DemoAccount {
            username,
            password,
            role,
            tenant,
        });
    }
    Ok(out)
}

/// What [`import_captures`] did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureImport {
    pub file: PathBuf,
    /// Minutes and flows stored, or why the file was skipped.
    pub outcome: Result<crate::pcap_upload::Imported, String>,
}

/// Feeds every capture file under `dir` (`.pcap`, `.pcapng`, `.cap`, in
/// path order) into the demo tenant through the portal upload's decoding
/// and storage path, once: a tenant that has batches already is left as it
/// is, so a restart does not count the traffic twice. A file that cannot be
/// read or decoded is reported and skipped.
pub async fn import_captures(
    state: &ServerState,
    dir: &Path,
) -> Result<Vec<CaptureImport>, String> {
    let tenant = state
        .accounts
        .find_tenant_by_name(DEMO_TENANT)
        .await
        .map_err(|e| format!("demo tenant: {e}"))?
        .ok_or("the demo tenant does not exist: seed it first")?;
    let totals = state
        .ingest
        .totals(tenant.id)
        .await
        .map_err(|e| format!("demo tenant's traffic: {e}"))?;
    if totals.batches > 0 {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    collect_captures(dir, &mut files).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    files.sort();
    let mut done = Vec::new();
    for file in files {
        let outcome = match tokio::fs::read(&file).await {
            Ok(bytes) => import_capture(state, tenant.id, bytes, "demo capture").await,
            Err(e) => Err(format!("cannot read it: {e}")),
        };
        done.push(CaptureImport { file, outcome });
    }
    Ok(done)
}

fn collect_captures(dir: &Path, into: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_captures(&path, into)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("pcap" | "pcapng" | "cap")
        ) {
            into.push(path);
        }
    }
    Ok(())
}
