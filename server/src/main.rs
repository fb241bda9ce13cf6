use std::io::Read;

use model::NewUser;
use model::Role;
use server::settings::{Command, LogFormat, parse_or_exit};
use server::{Application, demo, shutdown_signal};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let cli = parse_or_exit();
    let settings = cli.settings;
    let filter = match EnvFilter::try_new(&settings.log_level) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("invalid value for --log-level / OTLENS_LOG: {e}");
            std::process::exit(2);
        }
    };
    match settings.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init(),
    }
    if let Err(message) = run(settings, cli.command.unwrap_or(Command::Serve)).await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run(settings: server::Settings, command: Command) -> Result<(), String> {
    let app = Application::build(&settings)
        .await
        .map_err(|e| e.to_string())?;
    match command {
        Command::Serve => {
            if settings.demo {
                let accounts = demo::seed(&app.state().accounts, settings.demo_password.as_deref())
                    .await
                    .map_err(|e| format!("demo seeding failed: {e}"))?;
                println!("Demo users (passwords are new at every start):");
                for a in &accounts {
                    println!(
                        "  {:<16} {:<18} {:<16} {}",
                        a.username,
                        a.password,
                        a.role.as_str(),
                        a.tenant.unwrap_or("-")
                    );
                }
                if let Some(dir) = &settings.demo_captures {
                    let imported = demo::import_captures(app.state(), dir).await?;
                    for i in &imported {
                        match &i.outcome {
                            Ok(done) => {
                                tracing::info!(file = %i.file.display(), minutes = done.minutes, flows = done.flows, "demo capture stored")
                            }
                            Err(why) => {
                                tracing::warn!(file = %i.file.display(), %why, "demo capture skipped")
                            }
                        }
                    }
                    if !imported.is_empty() {
                        println!(
                            "Demo traffic: {} capture files from {} stored in the demo tenant",
                            imported.iter().filter(|i| i.outcome.is_ok()).count(),
                            dir.display()
                        );
                    }
                }
            }
            let addr = app.local_addr();
            tracing::info!(%addr, "listening");
            println!("OT Lens is running on http://{addr}");
            app.run_until(shutdown_signal())
                .await
                .map_err(|e| e.to_string())
        }
        Command::CreateAdmin {
            username,
            display_name,
        } => {
            let accounts = &app.state().accounts;
            if accounts
                .count_operator_admins()
                .await
                .map_err(|e| e.to_string())?
                > 0
            {
                return Err(
                    "an operator admin exists already; create further users in the web UI".into(),
                );
            }
            let password = match std::env::var("OTLENS_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut buf = String::new();
                    std::io::stdin().read_to_string(&mut buf).map_err(|e| {
                        format!("cannot read the password from standard input: {e}")
                    })?;
                    buf.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let user = accounts
                .create_user(&NewUser {
                    username,
                    display_name,
                    password,
                    role: Role::OperatorAdmin,
                    tenant_id: None,
                })
                .await
                .map_err(|e| e.to_string())?;
            println!("created operator admin {}", user.username);
            Ok(())
        }
    }
}
