//! Chess & card competitions (棋牌竞赛): the competition, its players (one entry per resident and competition;
//! a 掼蛋 entry also names the partner), its rounds (one row per round, unique by number) and the tables of
//! each round with their results (a table without a second player is a bye).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Competitions {
    Table,
    Id,
    CommunityId,
    EventId,
    ProjectId,
    Title,
    Game,
    Format,
    RoundsPlanned,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CompetitionPlayers {
    Table,
    Id,
    CompetitionId,
    CommunityId,
    ResidentId,
    PartnerId,
    HouseholdId,
    RegisteredBy,
    RegisteredAs,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CompetitionRounds {
    Table,
    Id,
    CompetitionId,
    Number,
    PairedBy,
    PairedAt,
}

#[derive(DeriveIden)]
enum CompetitionGames {
    Table,
    Id,
    CompetitionId,
    RoundId,
    TableNo,
    FirstId,
    SecondId,
    Outcome,
    RecordedBy,
    RecordedAt,
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
enum Events {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Competitions::Table)
                    .col(big_pk_auto(Competitions::Id))
                    .col(big_integer(Competitions::CommunityId))
                    .col(big_integer_null(Competitions::EventId))
                    .col(big_integer_null(Competitions::ProjectId))
                    .col(string(Competitions::Title))
                    .col(string(Competitions::Game))
                    .col(string(Competitions::Format))
                    .col(integer(Competitions::RoundsPlanned))
                    .col(string(Competitions::Status))
                    .col(big_integer_null(Competitions::CreatedBy))
                    .col(timestamp_with_time_zone(Competitions::CreatedAt))
                    .col(timestamp_with_time_zone(Competitions::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Competitions::Table, Competitions::CommunityId),
                        (Communities::Table, Communities::Id),
                    ))
                    .foreign_key(&mut fk((Competitions::Table, Competitions::EventId), (Events::Table, Events::Id)))
                    .foreign_key(&mut fk(
                        (Competitions::Table, Competitions::ProjectId),
                        (Projects::Table, Projects::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_competitions_community")
                    .table(Competitions::Table)
                    .col(Competitions::CommunityId)
                    .col(Competitions::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompetitionPlayers::Table)
                    .col(big_pk_auto(CompetitionPlayers::Id))
                    .col(big_integer(CompetitionPlayers::CompetitionId))
                    .col(big_integer(CompetitionPlayers::CommunityId))
                    .col(big_integer(CompetitionPlayers::ResidentId))
                    .col(big_integer_null(CompetitionPlayers::PartnerId))
                    .col(big_integer(CompetitionPlayers::HouseholdId))
                    .col(big_integer_null(CompetitionPlayers::RegisteredBy))
                    .col(string(CompetitionPlayers::RegisteredAs))
                    .col(timestamp_with_time_zone(CompetitionPlayers::CreatedAt))
                    .foreign_key(&mut fk(
                        (CompetitionPlayers::Table, CompetitionPlayers::CompetitionId),
                        (Competitions::Table, Competitions::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CompetitionPlayers::Table, CompetitionPlayers::ResidentId),
                        (Residents::Table, Residents::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CompetitionPlayers::Table, CompetitionPlayers::PartnerId),
                        (Residents::Table, Residents::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One entry per person and competition, however many press at once.
        manager
            .create_index(
                Index::create()
                    .name("ux_competition_players_once")
                    .table(CompetitionPlayers::Table)
                    .col(CompetitionPlayers::CompetitionId)
                    .col(CompetitionPlayers::ResidentId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompetitionRounds::Table)
                    .col(big_pk_auto(CompetitionRounds::Id))
                    .col(big_integer(CompetitionRounds::CompetitionId))
                    .col(integer(CompetitionRounds::Number))
                    .col(big_integer_null(CompetitionRounds::PairedBy))
                    .col(timestamp_with_time_zone(CompetitionRounds::PairedAt))
                    .foreign_key(&mut fk(
                        (CompetitionRounds::Table, CompetitionRounds::CompetitionId),
                        (Competitions::Table, Competitions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Two staff pressing "pair the next round" at once make one round: the second insert fails.
        manager
            .create_index(
                Index::create()
                    .name("ux_competition_rounds_number")
                    .table(CompetitionRounds::Table)
                    .col(CompetitionRounds::CompetitionId)
                    .col(CompetitionRounds::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompetitionGames::Table)
                    .col(big_pk_auto(CompetitionGames::Id))
                    .col(big_integer(CompetitionGames::CompetitionId))
                    .col(big_integer(CompetitionGames::RoundId))
                    .col(integer(CompetitionGames::TableNo))
                    .col(big_integer(CompetitionGames::FirstId))
                    .col(big_integer_null(CompetitionGames::SecondId))
                    .col(string_null(CompetitionGames::Outcome))
                    .col(big_integer_null(CompetitionGames::RecordedBy))
                    .col(timestamp_with_time_zone_null(CompetitionGames::RecordedAt))
                    .foreign_key(&mut fk(
                        (CompetitionGames::Table, CompetitionGames::RoundId),
                        (CompetitionRounds::Table, CompetitionRounds::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CompetitionGames::Table, CompetitionGames::FirstId),
                        (CompetitionPlayers::Table, CompetitionPlayers::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CompetitionGames::Table, CompetitionGames::SecondId),
                        (CompetitionPlayers::Table, CompetitionPlayers::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_competition_games_table")
                    .table(CompetitionGames::Table)
                    .col(CompetitionGames::RoundId)
                    .col(CompetitionGames::TableNo)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_competition_games_competition")
                    .table(CompetitionGames::Table)
                    .col(CompetitionGames::CompetitionId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CompetitionGames::Table.into_iden(),
            CompetitionRounds::Table.into_iden(),
            CompetitionPlayers::Table.into_iden(),
            Competitions::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
