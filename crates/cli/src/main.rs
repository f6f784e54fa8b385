//! The `weizhili` binary: serve, demo, migrate, import, export, backup, user.
//!
//! Configuration comes from defaults, then `weizhili.toml` (or `--config FILE`), then `WEIZHILI_*` environment
//! variables, then command-line flags; a bad value names where it came from.

mod bench_data;
mod commands;
mod config;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "weizhili", version, about = "楼栋微治理平台 weizhili — building micro-governance")]
struct Cli {
    /// Configuration file (default: ./weizhili.toml if it exists).
    #[arg(long, global = true)]
    config: Option<std::path::PathBuf>,
    /// Database: sqlite://PATH (or just PATH) or postgres://…
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the platform.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        addr: Option<String>,
    },
    /// Create (or reuse) a demo database full of realistic data and serve it.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Start over: drop everything and seed anew.
        #[arg(long)]
        fresh: bool,
        /// Seed and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Import data from a spreadsheet.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export data to a spreadsheet.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Make a consistent copy of a live SQLite database.
    Backup {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        what: UserWhat,
    },
    /// Fill a database with many communities and wishes for load tests (bench/wishes.sh): buildings,
    /// households, one resident each, wishes in a realistic mix of statuses with their claims, and two accounts
    /// (bench-staff: staff of the first community; bench-volunteer: volunteer in all of them; password
    /// bench1234). Use a fresh database: 100 communities and 500,000 wishes take a minute or two on SQLite.
    BenchData {
        #[arg(long, default_value_t = 100)]
        communities: u32,
        /// Wishes in all, spread evenly over the communities.
        #[arg(long, default_value_t = 500_000)]
        wishes: u64,
        /// Buildings per community.
        #[arg(long, default_value_t = 10)]
        buildings: u32,
        /// Households per building (one resident each).
        #[arg(long, default_value_t = 40)]
        households: u32,
        /// Write the ids of the published wishes here, one a line (for a claims test).
        #[arg(long)]
        published_ids: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum ImportWhat {
    /// Residents from .xlsx or .csv (UTF-8 or GBK); all rows or none.
    Residents {
        file: std::path::PathBuf,
        /// The community's name, e.g. 幸福里社区.
        #[arg(long)]
        community: String,
    },
}

#[derive(Subcommand, Debug)]
enum ExportWhat {
    /// The roster of a community as .xlsx (contains full phone numbers; audited).
    Residents {
        #[arg(long)]
        community: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum UserWhat {
    /// Create an account. The password is asked for, or read from standard input when it is not a terminal.
    Create {
        #[arg(long)]
        login: String,
        /// admin, staff, building_head, group_leader, volunteer or resident.
        #[arg(long)]
        role: String,
        /// Where the role applies: community:NAME, building:COMMUNITY/BUILDING, household:ID, group:ID.
        /// Repeat for several buildings. Not needed for admin.
        #[arg(long)]
        scope: Vec<String>,
        #[arg(long)]
        display_name: Option<String>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match config::Settings::load(cli.config.as_deref(), cli.database_url.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("配置错误 / configuration error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    config::init_logging(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve { addr } => commands::serve(settings, addr).await,
            Command::Demo { addr, fresh, no_serve } => {
                commands::demo(settings, cli.database_url.is_some(), addr, fresh, no_serve).await
            }
            Command::Migrate => commands::migrate(settings).await,
            Command::Import { what: ImportWhat::Residents { file, community } } => {
                commands::import_residents(settings, file, community).await
            }
            Command::Export { what: ExportWhat::Residents { community, out } } => {
                commands::export_residents(settings, community, out).await
            }
            Command::Backup { out } => commands::backup(settings, out).await,
            Command::User { what: UserWhat::Create { login, role, scope, display_name } } => {
                commands::create_user(settings, login, role, scope, display_name).await
            }
            Command::BenchData { communities, wishes, buildings, households, published_ids } => {
                let options = bench_data::Options { communities, wishes, buildings, households, published_ids };
                commands::bench_data(settings, options).await
            }
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
