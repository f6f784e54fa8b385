//! Micro-projects (微项目) and their events (活动): sign-ups with an ordered waitlist (at most one live sign-up
//! per person and event, by a partial unique index; a series is signed up for at its first session), and
//! check-ins per session (once per person and session, walk-ins included).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    CommunityId,
    Title,
    Description,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    CommunityId,
    ProjectId,
    BuildingId,
    SeriesId,
    Title,
    Description,
    Place,
    StartsAt,
    EndsAt,
    Capacity,
    Audience,
    MinAge,
    MaxAge,
    SignupDeadline,
    Status,
    Registered,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventSignups {
    Table,
    Id,
    EventId,
    CommunityId,
    ResidentId,
    HouseholdId,
    SignedUpBy,
    Proxy,
    Guardian,
    WalkIn,
    Status,
    CheckedInAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventCheckins {
    Table,
    Id,
    EventId,
    HeadId,
    CommunityId,
    ResidentId,
    SignupId,
    WalkIn,
    CheckedInBy,
    CheckedInAt,
}

#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Residents {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Projects::Table)
                    .col(big_pk_auto(Projects::Id))
                    .col(big_integer(Projects::CommunityId))
                    .col(string(Projects::Title))
                    .col(text(Projects::Description))
                    .col(big_integer_null(Projects::CreatedBy))
                    .col(timestamp_with_time_zone(Projects::CreatedAt))
                    .foreign_key(&mut fk(
                        (Projects::Table, Projects::CommunityId),
                        (Communities::Table, Communities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(big_pk_auto(Events::Id))
                    .col(big_integer(Events::CommunityId))
                    .col(big_integer_null(Events::ProjectId))
                    .col(big_integer_null(Events::BuildingId))
                    .col(big_integer_null(Events::SeriesId))
                    .col(string(Events::Title))
                    .col(text(Events::Description))
                    .col(string(Events::Place))
                    .col(timestamp_with_time_zone(Events::StartsAt))
                    .col(timestamp_with_time_zone(Events::EndsAt))
                    .col(integer_null(Events::Capacity))
                    .col(string(Events::Audience))
                    .col(integer_null(Events::MinAge))
                    .col(integer_null(Events::MaxAge))
                    .col(timestamp_with_time_zone_null(Events::SignupDeadline))
                    .col(string(Events::Status))
                    // How many sign-ups hold a place: kept with each sign-up, cancellation and promotion in the
                    // same transaction, so a sign-up decides on one row instead of counting.
                    .col(integer(Events::Registered).default(0))
                    .col(big_integer_null(Events::CreatedBy))
                    .col(timestamp_with_time_zone(Events::CreatedAt))
                    .col(timestamp_with_time_zone(Events::UpdatedAt))
                    .foreign_key(&mut fk((Events::Table, Events::CommunityId), (Communities::Table, Communities::Id)))
                    .foreign_key(&mut fk((Events::Table, Events::ProjectId), (Projects::Table, Projects::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_events_calendar")
                    .table(Events::Table)
                    .col(Events::CommunityId)
                    .col(Events::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_events_series").table(Events::Table).col(Events::SeriesId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventSignups::Table)
                    .col(big_pk_auto(EventSignups::Id))
                    .col(big_integer(EventSignups::EventId))
                    .col(big_integer(EventSignups::CommunityId))
                    .col(big_integer(EventSignups::ResidentId))
                    .col(big_integer(EventSignups::HouseholdId))
                    .col(big_integer_null(EventSignups::SignedUpBy))
                    .col(boolean(EventSignups::Proxy))
                    .col(boolean(EventSignups::Guardian))
                    .col(boolean(EventSignups::WalkIn))
                    .col(string(EventSignups::Status))
                    .col(timestamp_with_time_zone_null(EventSignups::CheckedInAt))
                    .col(timestamp_with_time_zone(EventSignups::CreatedAt))
                    .col(timestamp_with_time_zone(EventSignups::UpdatedAt))
                    .foreign_key(&mut fk((EventSignups::Table, EventSignups::EventId), (Events::Table, Events::Id)))
                    .foreign_key(&mut fk(
                        (EventSignups::Table, EventSignups::ResidentId),
                        (Residents::Table, Residents::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One live sign-up per person and event, however many press at once; a cancelled one may be redone.
        manager
            .create_index(
                Index::create()
                    .name("ux_event_signups_live")
                    .table(EventSignups::Table)
                    .col(EventSignups::EventId)
                    .col(EventSignups::ResidentId)
                    .unique()
                    .and_where(Expr::col(EventSignups::Status).ne("cancelled"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_event_signups_list")
                    .table(EventSignups::Table)
                    .col(EventSignups::EventId)
                    .col(EventSignups::Status)
                    .col(EventSignups::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_event_signups_resident")
                    .table(EventSignups::Table)
                    .col(EventSignups::ResidentId)
                    .col(EventSignups::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventCheckins::Table)
                    .col(big_pk_auto(EventCheckins::Id))
                    .col(big_integer(EventCheckins::EventId))
                    .col(big_integer(EventCheckins::HeadId))
                    .col(big_integer(EventCheckins::CommunityId))
                    .col(big_integer(EventCheckins::ResidentId))
                    .col(big_integer_null(EventCheckins::SignupId))
                    .col(boolean(EventCheckins::WalkIn))
                    .col(big_integer_null(EventCheckins::CheckedInBy))
                    .col(timestamp_with_time_zone(EventCheckins::CheckedInAt))
                    .foreign_key(&mut fk((EventCheckins::Table, EventCheckins::EventId), (Events::Table, Events::Id)))
                    .foreign_key(&mut fk(
                        (EventCheckins::Table, EventCheckins::ResidentId),
                        (Residents::Table, Residents::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Checking in twice counts once.
        manager
            .create_index(
                Index::create()
                    .name("ux_event_checkins_once")
                    .table(EventCheckins::Table)
                    .col(EventCheckins::EventId)
                    .col(EventCheckins::ResidentId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_event_checkins_series")
                    .table(EventCheckins::Table)
                    .col(EventCheckins::HeadId)
                    .col(EventCheckins::ResidentId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EventCheckins::Table.into_iden(),
            EventSignups::Table.into_iden(),
            Events::Table.into_iden(),
            Projects::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
