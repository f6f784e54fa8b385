//! Indexes for the wall and the wish lists at scale (thousands of wishes per community), chosen from
//! `EXPLAIN QUERY PLAN` on SQLite with 5,000 wishes per community (see `bench/wishes.sh`):
//!
//! - `ix_wishes_wall`: the public wall reads a community's published, claimed, fulfilled and confirmed wishes,
//!   priority first, newest first. A partial index in that order lets it read just the page it shows, with no
//!   sort. The condition must stay word for word what `store::wish::wall_condition` writes.
//! - `ix_wishes_order`: the staff list (every status) in the same order, and its count.
//! - `ix_wishes_status_order`: a list filtered by status (a volunteer's 待认领), in order. It starts with the
//!   columns of `ix_wishes_status`, which it replaces.
//! - `ix_wish_claims_wish`: the claims of the wishes on a page (active or completed); the partial unique index
//!   on active claims cannot answer for completed ones, so without it every list scanned all claims.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Wishes {
    Table,
    Id,
    CommunityId,
    Status,
    Priority,
}

#[derive(DeriveIden)]
enum WishClaims {
    Table,
    WishId,
    Status,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, cols) in [
            ("ix_wishes_order", vec![Wishes::CommunityId, Wishes::Priority, Wishes::Id]),
            ("ix_wishes_status_order", vec![Wishes::CommunityId, Wishes::Status, Wishes::Priority, Wishes::Id]),
        ] {
            let mut index = Index::create().name(name).table(Wishes::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }
        // Last: without ANALYZE, SQLite weighs ix_wishes_order and this one alike for the wall's query and takes
        // the one created later. This one is the right choice: skipping to a later page reads no table rows.
        manager
            .create_index(
                Index::create()
                    .name("ix_wishes_wall")
                    .table(Wishes::Table)
                    .col(Wishes::CommunityId)
                    .col(Wishes::Priority)
                    .col(Wishes::Id)
                    .and_where(Expr::col(Wishes::Status).is_in(["published", "claimed", "fulfilled", "confirmed"]))
                    .to_owned(),
            )
            .await?;
        manager.drop_index(Index::drop().name("ix_wishes_status").table(Wishes::Table).to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_wish_claims_wish")
                    .table(WishClaims::Table)
                    .col(WishClaims::WishId)
                    .col(WishClaims::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_wishes_status")
                    .table(Wishes::Table)
                    .col(Wishes::CommunityId)
                    .col(Wishes::Status)
                    .col(Wishes::Id)
                    .to_owned(),
            )
            .await?;
        for name in ["ix_wishes_wall", "ix_wishes_order", "ix_wishes_status_order"] {
            manager.drop_index(Index::drop().name(name).table(Wishes::Table).to_owned()).await?;
        }
        manager.drop_index(Index::drop().name("ix_wish_claims_wish").table(WishClaims::Table).to_owned()).await
    }
}
