//! What follows a wish once it is out in the world: photos and other media, notifications (the bell), volunteer
//! service records (志愿服务记录), help pairs (帮扶对子) and the offer of a paired resident's wish to their helper,
//! the warning before a claim lapses, and fulfilments without a photo that staff check.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    CommunityId,
    OwnerKind,
    OwnerId,
    UpdateId,
    Key,
    ThumbKey,
    ContentType,
    Width,
    Height,
    Bytes,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    CommunityId,
    Kind,
    WishId,
    Title,
    Detail,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum ServiceRecords {
    Table,
    Id,
    CommunityId,
    UserId,
    WishId,
    What,
    ServedOn,
    Minutes,
    Status,
    ConfirmedBy,
    ConfirmedAt,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum HelpPairs {
    Table,
    Id,
    CommunityId,
    HelperId,
    ResidentId,
    HouseholdId,
    CreatedBy,
    CreatedAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum Wishes {
    Table,
    OfferedTo,
    OfferUntil,
    NeedsCheck,
}

#[derive(DeriveIden)]
enum WishClaims {
    Table,
    WarnedAt,
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
#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

async fn index(manager: &SchemaManager<'_>, name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> Result<(), DbErr> {
    let mut index = Index::create().name(name).table(table).to_owned();
    for col in cols {
        index.col(col);
    }
    manager.create_index(index).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .col(big_pk_auto(Media::Id))
                    .col(big_integer(Media::CommunityId))
                    .col(string(Media::OwnerKind))
                    .col(big_integer(Media::OwnerId))
                    .col(big_integer_null(Media::UpdateId))
                    .col(string(Media::Key))
                    .col(string(Media::ThumbKey))
                    .col(string(Media::ContentType))
                    .col(integer(Media::Width))
                    .col(integer(Media::Height))
                    .col(big_integer(Media::Bytes))
                    .col(big_integer_null(Media::UploadedBy))
                    .col(timestamp_with_time_zone(Media::CreatedAt))
                    .foreign_key(&mut fk((Media::Table, Media::CommunityId), (Communities::Table, Communities::Id)))
                    .foreign_key(&mut fk((Media::Table, Media::UploadedBy), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        index(manager, "ix_media_owner", Media::Table, vec![Media::OwnerKind.into_iden(), Media::OwnerId.into_iden()])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(big_pk_auto(Notifications::Id))
                    .col(big_integer(Notifications::UserId))
                    .col(big_integer_null(Notifications::CommunityId))
                    .col(string(Notifications::Kind))
                    .col(big_integer_null(Notifications::WishId))
                    .col(string(Notifications::Title))
                    .col(text_null(Notifications::Detail))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .foreign_key(&mut fk((Notifications::Table, Notifications::UserId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_notifications_user",
            Notifications::Table,
            vec![Notifications::UserId.into_iden(), Notifications::ReadAt.into_iden(), Notifications::Id.into_iden()],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ServiceRecords::Table)
                    .col(big_pk_auto(ServiceRecords::Id))
                    .col(big_integer(ServiceRecords::CommunityId))
                    .col(big_integer(ServiceRecords::UserId))
                    .col(big_integer_null(ServiceRecords::WishId))
                    .col(string(ServiceRecords::What))
                    .col(date(ServiceRecords::ServedOn))
                    .col(integer(ServiceRecords::Minutes))
                    .col(string(ServiceRecords::Status))
                    .col(big_integer_null(ServiceRecords::ConfirmedBy))
                    .col(timestamp_with_time_zone_null(ServiceRecords::ConfirmedAt))
                    .col(text_null(ServiceRecords::Note))
                    .col(timestamp_with_time_zone(ServiceRecords::CreatedAt))
                    .foreign_key(&mut fk(
                        (ServiceRecords::Table, ServiceRecords::CommunityId),
                        (Communities::Table, Communities::Id),
                    ))
                    .foreign_key(&mut fk((ServiceRecords::Table, ServiceRecords::UserId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_service_records_user",
            ServiceRecords::Table,
            vec![ServiceRecords::UserId.into_iden(), ServiceRecords::Id.into_iden()],
        )
        .await?;
        index(
            manager,
            "ix_service_records_status",
            ServiceRecords::Table,
            vec![
                ServiceRecords::CommunityId.into_iden(),
                ServiceRecords::Status.into_iden(),
                ServiceRecords::Id.into_iden(),
            ],
        )
        .await?;
        // One pending record per wish and volunteer, however often a confirmation is retried.
        manager
            .create_index(
                Index::create()
                    .name("ux_service_records_wish")
                    .table(ServiceRecords::Table)
                    .col(ServiceRecords::WishId)
                    .col(ServiceRecords::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(HelpPairs::Table)
                    .col(big_pk_auto(HelpPairs::Id))
                    .col(big_integer(HelpPairs::CommunityId))
                    .col(big_integer(HelpPairs::HelperId))
                    .col(big_integer(HelpPairs::ResidentId))
                    .col(big_integer(HelpPairs::HouseholdId))
                    .col(big_integer_null(HelpPairs::CreatedBy))
                    .col(timestamp_with_time_zone(HelpPairs::CreatedAt))
                    .col(timestamp_with_time_zone_null(HelpPairs::EndedAt))
                    .foreign_key(&mut fk((HelpPairs::Table, HelpPairs::HelperId), (Users::Table, Users::Id)))
                    .foreign_key(&mut fk((HelpPairs::Table, HelpPairs::ResidentId), (Residents::Table, Residents::Id)))
                    .to_owned(),
            )
            .await?;
        // A resident has at most one standing helper at a time.
        manager
            .create_index(
                Index::create()
                    .name("ux_help_pairs_active")
                    .table(HelpPairs::Table)
                    .col(HelpPairs::ResidentId)
                    .unique()
                    .and_where(Expr::col(HelpPairs::EndedAt).is_null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_help_pairs_household",
            HelpPairs::Table,
            vec![HelpPairs::HouseholdId.into_iden(), HelpPairs::EndedAt.into_iden()],
        )
        .await?;

        // SQLite adds one column per statement.
        for col in [
            ColumnDef::new(Wishes::OfferedTo).big_integer().null().to_owned(),
            ColumnDef::new(Wishes::OfferUntil).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Wishes::NeedsCheck).boolean().not_null().default(false).to_owned(),
        ] {
            manager.alter_table(Table::alter().table(Wishes::Table).add_column(col).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(WishClaims::Table)
                    .add_column(ColumnDef::new(WishClaims::WarnedAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            HelpPairs::Table.into_iden(),
            ServiceRecords::Table.into_iden(),
            Notifications::Table.into_iden(),
            Media::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for col in [Wishes::OfferedTo.into_iden(), Wishes::OfferUntil.into_iden(), Wishes::NeedsCheck.into_iden()] {
            manager.alter_table(Table::alter().table(Wishes::Table).drop_column(col).to_owned()).await?;
        }
        manager
            .alter_table(Table::alter().table(WishClaims::Table).drop_column(WishClaims::WarnedAt).to_owned())
            .await?;
        Ok(())
    }
}
