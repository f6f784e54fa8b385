//! What follows an event: volunteer shifts (a role such as 裁判/签到/摄影 with its time and places) and who takes
//! them (once per person and shift, the served mark pointing at the pending service record it made), feedback from
//! the people who came (once per person and event, editable), the summary (活动总结), and `service_records.event_id`
//! so volunteer hours at events show where they were earned. Photos are `media` rows with `owner_kind = 'event'`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EventShifts {
    Table,
    Id,
    CommunityId,
    EventId,
    Role,
    StartsAt,
    EndsAt,
    Places,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EventShiftVolunteers {
    Table,
    Id,
    CommunityId,
    EventId,
    ShiftId,
    UserId,
    AssignedBy,
    ServedAt,
    ServedBy,
    ServiceRecordId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EventFeedback {
    Table,
    Id,
    CommunityId,
    EventId,
    ResidentId,
    HouseholdId,
    UserId,
    Rating,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventSummaries {
    Table,
    Id,
    CommunityId,
    EventId,
    Summary,
    WrittenBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ServiceRecords {
    Table,
    EventId,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Residents {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
}

fn unique(name: &str, table: impl IntoIden, cols: [DynIden; 2]) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).unique().to_owned();
    for col in cols {
        index.col(col);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EventShifts::Table)
                    .col(big_pk_auto(EventShifts::Id))
                    .col(big_integer(EventShifts::CommunityId))
                    .col(big_integer(EventShifts::EventId))
                    .col(string(EventShifts::Role))
                    .col(timestamp_with_time_zone(EventShifts::StartsAt))
                    .col(timestamp_with_time_zone(EventShifts::EndsAt))
                    .col(integer(EventShifts::Places))
                    .col(big_integer_null(EventShifts::CreatedBy))
                    .col(timestamp_with_time_zone(EventShifts::CreatedAt))
                    .foreign_key(&mut fk((EventShifts::Table, EventShifts::EventId), (Events::Table, Events::Id)))
                    .foreign_key(&mut fk(
                        (EventShifts::Table, EventShifts::CommunityId),
                        (Communities::Table, Communities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_event_shifts_event")
                    .table(EventShifts::Table)
                    .col(EventShifts::EventId)
                    .col(EventShifts::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventShiftVolunteers::Table)
                    .col(big_pk_auto(EventShiftVolunteers::Id))
                    .col(big_integer(EventShiftVolunteers::CommunityId))
                    .col(big_integer(EventShiftVolunteers::EventId))
                    .col(big_integer(EventShiftVolunteers::ShiftId))
                    .col(big_integer(EventShiftVolunteers::UserId))
                    // Staff who put them on the shift; none when they took it themselves.
                    .col(big_integer_null(EventShiftVolunteers::AssignedBy))
                    .col(timestamp_with_time_zone_null(EventShiftVolunteers::ServedAt))
                    .col(big_integer_null(EventShiftVolunteers::ServedBy))
                    .col(big_integer_null(EventShiftVolunteers::ServiceRecordId))
                    .col(timestamp_with_time_zone(EventShiftVolunteers::CreatedAt))
                    .foreign_key(&mut fk(
                        (EventShiftVolunteers::Table, EventShiftVolunteers::ShiftId),
                        (EventShifts::Table, EventShifts::Id),
                    ))
                    .foreign_key(&mut fk(
                        (EventShiftVolunteers::Table, EventShiftVolunteers::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Once per person and shift, however often the button is pressed.
        manager
            .create_index(unique(
                "ux_event_shift_volunteers_once",
                EventShiftVolunteers::Table,
                [EventShiftVolunteers::ShiftId.into_iden(), EventShiftVolunteers::UserId.into_iden()],
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_event_shift_volunteers_event")
                    .table(EventShiftVolunteers::Table)
                    .col(EventShiftVolunteers::EventId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventFeedback::Table)
                    .col(big_pk_auto(EventFeedback::Id))
                    .col(big_integer(EventFeedback::CommunityId))
                    // The series' first session: feedback is on the event as a whole.
                    .col(big_integer(EventFeedback::EventId))
                    .col(big_integer(EventFeedback::ResidentId))
                    .col(big_integer(EventFeedback::HouseholdId))
                    .col(big_integer_null(EventFeedback::UserId))
                    .col(integer(EventFeedback::Rating))
                    .col(text_null(EventFeedback::Comment))
                    .col(timestamp_with_time_zone(EventFeedback::CreatedAt))
                    .col(timestamp_with_time_zone(EventFeedback::UpdatedAt))
                    .foreign_key(&mut fk((EventFeedback::Table, EventFeedback::EventId), (Events::Table, Events::Id)))
                    .foreign_key(&mut fk(
                        (EventFeedback::Table, EventFeedback::ResidentId),
                        (Residents::Table, Residents::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Once per person and event: a second answer edits the first.
        manager
            .create_index(unique(
                "ux_event_feedback_once",
                EventFeedback::Table,
                [EventFeedback::EventId.into_iden(), EventFeedback::ResidentId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventSummaries::Table)
                    .col(big_pk_auto(EventSummaries::Id))
                    .col(big_integer(EventSummaries::CommunityId))
                    .col(big_integer(EventSummaries::EventId))
                    .col(text(EventSummaries::Summary))
                    .col(big_integer_null(EventSummaries::WrittenBy))
                    .col(timestamp_with_time_zone(EventSummaries::CreatedAt))
                    .col(timestamp_with_time_zone(EventSummaries::UpdatedAt))
                    .foreign_key(&mut fk((EventSummaries::Table, EventSummaries::EventId), (Events::Table, Events::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_event_summaries_event")
                    .table(EventSummaries::Table)
                    .col(EventSummaries::EventId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceRecords::Table)
                    .add_column(big_integer_null(ServiceRecords::EventId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_service_records_event")
                    .table(ServiceRecords::Table)
                    .col(ServiceRecords::EventId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_service_records_event").table(ServiceRecords::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(ServiceRecords::Table).drop_column(ServiceRecords::EventId).to_owned())
            .await?;
        for table in [
            EventSummaries::Table.into_iden(),
            EventFeedback::Table.into_iden(),
            EventShiftVolunteers::Table.into_iden(),
            EventShifts::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
