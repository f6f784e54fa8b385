//! The foundation: communities and the grid, accounts and roles, sessions and tokens, the audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
    Name,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Courtyards {
    Table,
    Id,
    CommunityId,
    Name,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Buildings {
    Table,
    Id,
    CommunityId,
    CourtyardId,
    Name,
    Key,
    Floors,
    Units,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Households {
    Table,
    Id,
    CommunityId,
    BuildingId,
    Unit,
    Room,
    Status,
    Note,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Residents {
    Table,
    Id,
    CommunityId,
    HouseholdId,
    BuildingId,
    Name,
    Gender,
    BirthYear,
    Phone,
    PhoneTail,
    Relation,
    Skills,
    Hobbies,
    Note,
    ConsentBasis,
    ConsentRecordedBy,
    ConsentAt,
    MovedOutAt,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum ResidentTags {
    Table,
    ResidentId,
    CommunityId,
    Tag,
}
#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Login,
    PasswordHash,
    DisplayName,
    CommunityId,
    ResidentId,
    Locale,
    Status,
    CreatedAt,
    LastLoginAt,
}
#[derive(DeriveIden)]
enum RoleGrants {
    Table,
    Id,
    UserId,
    Role,
    ScopeKind,
    ScopeId,
    CommunityId,
}
#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    Csrf,
    CreatedAt,
    ExpiresAt,
    LastSeenAt,
    Ip,
    UserAgent,
}
#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    Label,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}
#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    CommunityId,
    UserId,
    Login,
    Action,
    ObjectKind,
    ObjectId,
    Detail,
    Ip,
}
#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    Login,
    Ip,
    At,
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
                    .table(Communities::Table)
                    .col(big_pk_auto(Communities::Id))
                    .col(string(Communities::Name).unique_key())
                    .col(timestamp_with_time_zone(Communities::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Courtyards::Table)
                    .col(big_pk_auto(Courtyards::Id))
                    .col(big_integer(Courtyards::CommunityId))
                    .col(string(Courtyards::Name))
                    .col(timestamp_with_time_zone(Courtyards::CreatedAt))
                    .foreign_key(&mut fk(
                        (Courtyards::Table, Courtyards::CommunityId),
                        (Communities::Table, Communities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_courtyards_name")
                    .table(Courtyards::Table)
                    .col(Courtyards::CommunityId)
                    .col(Courtyards::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Buildings::Table)
                    .col(big_pk_auto(Buildings::Id))
                    .col(big_integer(Buildings::CommunityId))
                    .col(big_integer(Buildings::CourtyardId))
                    .col(string(Buildings::Name))
                    .col(string(Buildings::Key))
                    .col(integer_null(Buildings::Floors))
                    .col(integer_null(Buildings::Units))
                    .col(timestamp_with_time_zone(Buildings::CreatedAt))
                    .foreign_key(&mut fk(
                        (Buildings::Table, Buildings::CommunityId),
                        (Communities::Table, Communities::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Buildings::Table, Buildings::CourtyardId),
                        (Courtyards::Table, Courtyards::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_buildings_key")
                    .table(Buildings::Table)
                    .col(Buildings::CommunityId)
                    .col(Buildings::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Households::Table)
                    .col(big_pk_auto(Households::Id))
                    .col(big_integer(Households::CommunityId))
                    .col(big_integer(Households::BuildingId))
                    .col(string(Households::Unit))
                    .col(string(Households::Room))
                    .col(string(Households::Status))
                    .col(text_null(Households::Note))
                    .col(timestamp_with_time_zone(Households::CreatedAt))
                    .foreign_key(&mut fk(
                        (Households::Table, Households::CommunityId),
                        (Communities::Table, Communities::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Households::Table, Households::BuildingId),
                        (Buildings::Table, Buildings::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_households_place")
                    .table(Households::Table)
                    .col(Households::BuildingId)
                    .col(Households::Unit)
                    .col(Households::Room)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_households_community")
                    .table(Households::Table)
                    .col(Households::CommunityId)
                    .col(Households::BuildingId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Residents::Table)
                    .col(big_pk_auto(Residents::Id))
                    .col(big_integer(Residents::CommunityId))
                    .col(big_integer(Residents::HouseholdId))
                    .col(big_integer(Residents::BuildingId))
                    .col(string(Residents::Name))
                    .col(string_null(Residents::Gender))
                    .col(integer_null(Residents::BirthYear))
                    .col(string_null(Residents::Phone))
                    .col(string_null(Residents::PhoneTail))
                    .col(string_null(Residents::Relation))
                    .col(text(Residents::Skills))
                    .col(text(Residents::Hobbies))
                    .col(text_null(Residents::Note))
                    .col(string_null(Residents::ConsentBasis))
                    .col(big_integer_null(Residents::ConsentRecordedBy))
                    .col(timestamp_with_time_zone_null(Residents::ConsentAt))
                    .col(timestamp_with_time_zone_null(Residents::MovedOutAt))
                    .col(timestamp_with_time_zone(Residents::CreatedAt))
                    .col(timestamp_with_time_zone(Residents::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Residents::Table, Residents::CommunityId),
                        (Communities::Table, Communities::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Residents::Table, Residents::HouseholdId),
                        (Households::Table, Households::Id),
                    ))
                    .foreign_key(&mut fk((Residents::Table, Residents::BuildingId), (Buildings::Table, Buildings::Id)))
                    .to_owned(),
            )
            .await?;
        // The lists staff use most: current residents of a community, by building. Partial, so that moved-out
        // residents cost nothing in lists and counts.
        manager
            .create_index(
                Index::create()
                    .name("ix_residents_current")
                    .table(Residents::Table)
                    .col(Residents::CommunityId)
                    .col(Residents::BuildingId)
                    .col(Residents::Id)
                    .and_where(Expr::col(Residents::MovedOutAt).is_null())
                    .to_owned(),
            )
            .await?;
        // A building head's lists: current residents of their buildings.
        manager
            .create_index(
                Index::create()
                    .name("ix_residents_current_building")
                    .table(Residents::Table)
                    .col(Residents::BuildingId)
                    .col(Residents::Id)
                    .and_where(Expr::col(Residents::MovedOutAt).is_null())
                    .to_owned(),
            )
            .await?;
        // No other index may start with community_id: without statistics SQLite would pick it over the partial
        // index above and read every row (measured: 0.9 ms instead of 0.03 ms for a page of 20).
        for (name, cols) in [
            ("ix_residents_household", vec![Residents::HouseholdId]),
            ("ix_residents_phone_tail", vec![Residents::PhoneTail, Residents::CommunityId]),
        ] {
            let mut index = Index::create().name(name).table(Residents::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ResidentTags::Table)
                    .col(big_integer(ResidentTags::ResidentId))
                    .col(big_integer(ResidentTags::CommunityId))
                    .col(string(ResidentTags::Tag))
                    .primary_key(Index::create().col(ResidentTags::ResidentId).col(ResidentTags::Tag))
                    .foreign_key(
                        &mut fk((ResidentTags::Table, ResidentTags::ResidentId), (Residents::Table, Residents::Id))
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_resident_tags_tag")
                    .table(ResidentTags::Table)
                    .col(ResidentTags::Tag)
                    .col(ResidentTags::CommunityId)
                    .col(ResidentTags::ResidentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string(Users::Login).unique_key())
                    .col(string(Users::PasswordHash))
                    .col(string(Users::DisplayName))
                    .col(big_integer_null(Users::CommunityId))
                    .col(big_integer_null(Users::ResidentId))
                    .col(string(Users::Locale))
                    .col(string(Users::Status))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .foreign_key(&mut fk((Users::Table, Users::CommunityId), (Communities::Table, Communities::Id)))
                    .foreign_key(&mut fk((Users::Table, Users::ResidentId), (Residents::Table, Residents::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoleGrants::Table)
                    .col(big_pk_auto(RoleGrants::Id))
                    .col(big_integer(RoleGrants::UserId))
                    .col(string(RoleGrants::Role))
                    .col(string(RoleGrants::ScopeKind))
                    .col(big_integer_null(RoleGrants::ScopeId))
                    .col(big_integer_null(RoleGrants::CommunityId))
                    .foreign_key(
                        &mut fk((RoleGrants::Table, RoleGrants::UserId), (Users::Table, Users::Id))
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_role_grants_user").table(RoleGrants::Table).col(RoleGrants::UserId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string(Sessions::Id).primary_key())
                    .col(big_integer(Sessions::UserId))
                    .col(string(Sessions::Csrf))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(string_null(Sessions::Ip))
                    .col(string_null(Sessions::UserAgent))
                    .foreign_key(
                        &mut fk((Sessions::Table, Sessions::UserId), (Users::Table, Users::Id))
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(big_pk_auto(ApiTokens::Id))
                    .col(big_integer(ApiTokens::UserId))
                    .col(string(ApiTokens::TokenHash).unique_key())
                    .col(string(ApiTokens::Label))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .foreign_key(
                        &mut fk((ApiTokens::Table, ApiTokens::UserId), (Users::Table, Users::Id))
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(big_integer_null(AuditLog::CommunityId))
                    .col(big_integer_null(AuditLog::UserId))
                    .col(string_null(AuditLog::Login))
                    .col(string(AuditLog::Action))
                    .col(string_null(AuditLog::ObjectKind))
                    .col(big_integer_null(AuditLog::ObjectId))
                    .col(text_null(AuditLog::Detail))
                    .col(string_null(AuditLog::Ip))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_audit_community_at", vec![AuditLog::CommunityId, AuditLog::At]),
            ("ix_audit_user_at", vec![AuditLog::UserId, AuditLog::At]),
            ("ix_audit_action", vec![AuditLog::Action, AuditLog::At]),
        ] {
            let mut index = Index::create().name(name).table(AuditLog::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(big_pk_auto(LoginFailures::Id))
                    .col(string(LoginFailures::Login))
                    .col(string(LoginFailures::Ip))
                    .col(timestamp_with_time_zone(LoginFailures::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_login_failures_login")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::Login)
                    .col(LoginFailures::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_login_failures_ip")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::Ip)
                    .col(LoginFailures::At)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginFailures::Table.into_iden(),
            AuditLog::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            RoleGrants::Table.into_iden(),
            Users::Table.into_iden(),
            ResidentTags::Table.into_iden(),
            Residents::Table.into_iden(),
            Households::Table.into_iden(),
            Buildings::Table.into_iden(),
            Courtyards::Table.into_iden(),
            Communities::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
