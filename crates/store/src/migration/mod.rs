//! The schema, as migrations run in order on SQLite and PostgreSQL alike. One migration per file; a migration,
//! once released, is never edited: add a new one.

use sea_orm_migration::prelude::*;

mod m20261129_000001_foundation;
mod m20261129_000002_wishes;
mod m20261129_000003_wish_followup;
mod m20261129_000004_wall_indexes;
mod m20261129_000005_events;
mod m20261129_000006_competitions;
mod m20261129_000007_event_followup;
mod m20261129_000008_event_notices;

/// A foreign key that refuses to delete what is still referred to (migrations from 000003 on share it).
fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Restrict).to_owned()
}

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_foundation::Migration),
            Box::new(m20261129_000002_wishes::Migration),
            Box::new(m20261129_000003_wish_followup::Migration),
            Box::new(m20261129_000004_wall_indexes::Migration),
            Box::new(m20261129_000005_events::Migration),
            Box::new(m20261129_000006_competitions::Migration),
            Box::new(m20261129_000007_event_followup::Migration),
            Box::new(m20261129_000008_event_notices::Migration),
        ]
    }
}
