//! Micro-wishes (微心愿): the wishes, their claims (at most one active per wish, by a partial unique index that
//! holds under concurrent claims on both databases), and the updates that tell a wish's story.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Wishes {
    Table,
    Id,
    CommunityId,
    BuildingId,
    HouseholdId,
    ResidentId,
    SubmittedBy,
    Proxy,
    Source,
    SlipNo,
    Category,
    Title,
    Description,
    Status,
    Anonymous,
    Priority,
    DueDate,
    RejectReason,
    PublishedAt,
    ClaimedAt,
    FulfilledAt,
    ConfirmedAt,
    ClosedAt,
    Satisfaction,
    Thanks,
    Minutes,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WishClaims {
    Table,
    Id,
    WishId,
    CommunityId,
    UserId,
    Organisation,
    Status,
    ClaimedAt,
    ContactedAt,
    EndedAt,
    EndReason,
}

#[derive(DeriveIden)]
enum WishUpdates {
    Table,
    Id,
    WishId,
    CommunityId,
    UserId,
    Kind,
    Text,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Buildings {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Households {
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

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Restrict).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Wishes::Table)
                    .col(big_pk_auto(Wishes::Id))
                    .col(big_integer(Wishes::CommunityId))
                    .col(big_integer_null(Wishes::BuildingId))
                    .col(big_integer_null(Wishes::HouseholdId))
                    .col(big_integer_null(Wishes::ResidentId))
                    .col(big_integer_null(Wishes::SubmittedBy))
                    .col(boolean(Wishes::Proxy))
                    .col(string(Wishes::Source))
                    .col(string_null(Wishes::SlipNo))
                    .col(string(Wishes::Category))
                    .col(string(Wishes::Title))
                    .col(text(Wishes::Description))
                    .col(string(Wishes::Status))
                    .col(boolean(Wishes::Anonymous))
                    .col(boolean(Wishes::Priority))
                    .col(date_null(Wishes::DueDate))
                    .col(text_null(Wishes::RejectReason))
                    .col(timestamp_with_time_zone_null(Wishes::PublishedAt))
                    .col(timestamp_with_time_zone_null(Wishes::ClaimedAt))
                    .col(timestamp_with_time_zone_null(Wishes::FulfilledAt))
                    .col(timestamp_with_time_zone_null(Wishes::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(Wishes::ClosedAt))
                    .col(integer_null(Wishes::Satisfaction))
                    .col(text_null(Wishes::Thanks))
                    .col(integer_null(Wishes::Minutes))
                    .col(timestamp_with_time_zone(Wishes::CreatedAt))
                    .col(timestamp_with_time_zone(Wishes::UpdatedAt))
                    .foreign_key(&mut fk((Wishes::Table, Wishes::CommunityId), (Communities::Table, Communities::Id)))
                    .foreign_key(&mut fk((Wishes::Table, Wishes::BuildingId), (Buildings::Table, Buildings::Id)))
                    .foreign_key(&mut fk((Wishes::Table, Wishes::HouseholdId), (Households::Table, Households::Id)))
                    .foreign_key(&mut fk((Wishes::Table, Wishes::ResidentId), (Residents::Table, Residents::Id)))
                    .foreign_key(&mut fk((Wishes::Table, Wishes::SubmittedBy), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_wishes_status", vec![Wishes::CommunityId, Wishes::Status, Wishes::Id]),
            ("ix_wishes_household", vec![Wishes::HouseholdId, Wishes::Id]),
        ] {
            let mut index = Index::create().name(name).table(Wishes::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(WishClaims::Table)
                    .col(big_pk_auto(WishClaims::Id))
                    .col(big_integer(WishClaims::WishId))
                    .col(big_integer(WishClaims::CommunityId))
                    .col(big_integer(WishClaims::UserId))
                    .col(string_null(WishClaims::Organisation))
                    .col(string(WishClaims::Status))
                    .col(timestamp_with_time_zone(WishClaims::ClaimedAt))
                    .col(timestamp_with_time_zone_null(WishClaims::ContactedAt))
                    .col(timestamp_with_time_zone_null(WishClaims::EndedAt))
                    .col(text_null(WishClaims::EndReason))
                    .foreign_key(&mut fk((WishClaims::Table, WishClaims::WishId), (Wishes::Table, Wishes::Id)))
                    .foreign_key(&mut fk((WishClaims::Table, WishClaims::UserId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        // At most one active claim per wish: the database, not the application, has the last word, so 50
        // simultaneous claims give exactly one winner.
        manager
            .create_index(
                Index::create()
                    .name("ux_wish_claims_active")
                    .table(WishClaims::Table)
                    .col(WishClaims::WishId)
                    .unique()
                    .and_where(Expr::col(WishClaims::Status).eq("active"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_wish_claims_user")
                    .table(WishClaims::Table)
                    .col(WishClaims::UserId)
                    .col(WishClaims::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WishUpdates::Table)
                    .col(big_pk_auto(WishUpdates::Id))
                    .col(big_integer(WishUpdates::WishId))
                    .col(big_integer(WishUpdates::CommunityId))
                    .col(big_integer_null(WishUpdates::UserId))
                    .col(string(WishUpdates::Kind))
                    .col(text_null(WishUpdates::Text))
                    .col(timestamp_with_time_zone(WishUpdates::CreatedAt))
                    .foreign_key(&mut fk((WishUpdates::Table, WishUpdates::WishId), (Wishes::Table, Wishes::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_wish_updates_wish")
                    .table(WishUpdates::Table)
                    .col(WishUpdates::WishId)
                    .col(WishUpdates::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [WishUpdates::Table.into_iden(), WishClaims::Table.into_iden(), Wishes::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
