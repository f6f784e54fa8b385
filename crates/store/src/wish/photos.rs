//! The photos of a wish (rows of the `media` table owned by a wish): the files themselves live in the storage
//! layer under `key` and `thumb_key`.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::Result;
use crate::entity::media;

pub use crate::entity::media::Model as Photo;

const OWNER: &str = "wish";

/// A stored photo to record.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub community_id: i64,
    pub wish_id: i64,
    pub update_id: Option<i64>,
    pub key: String,
    pub thumb_key: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub uploaded_by: i64,
}

pub async fn add(db: &impl ConnectionTrait, new: NewPhoto, now: DateTime<Utc>) -> Result<Photo> {
    Ok(media::ActiveModel {
        community_id: Set(new.community_id),
        owner_kind: Set(OWNER.into()),
        owner_id: Set(new.wish_id),
        update_id: Set(new.update_id),
        key: Set(new.key),
        thumb_key: Set(new.thumb_key),
        content_type: Set(new.content_type),
        width: Set(new.width),
        height: Set(new.height),
        bytes: Set(new.bytes),
        uploaded_by: Set(Some(new.uploaded_by)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// How many photos a wish has.
pub async fn count(db: &impl ConnectionTrait, wish_id: i64) -> Result<u64> {
    let query =
        media::Entity::find().filter(media::Column::OwnerKind.eq(OWNER)).filter(media::Column::OwnerId.eq(wish_id));
    crate::count_of(db, query, media::Column::Id).await
}

/// A wish's photos, oldest first.
pub async fn of_wish(db: &impl ConnectionTrait, wish_id: i64) -> Result<Vec<Photo>> {
    Ok(media::Entity::find()
        .filter(media::Column::OwnerKind.eq(OWNER))
        .filter(media::Column::OwnerId.eq(wish_id))
        .order_by_asc(media::Column::Id)
        .all(db)
        .await?)
}

/// One photo of a wish (the wish id is checked by the caller's permission test).
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Photo>> {
    Ok(media::Entity::find_by_id(id).filter(media::Column::OwnerKind.eq(OWNER)).one(db).await?)
}
