//! The wall's first page, kept in memory: the public wall, its JSON twin and the big screens read it far more
//! often than wishes change, and a page from memory costs no query (DESIGN.md: an uncached page through the
//! SQLite driver tops out near 8k req/s; from memory the ceiling is the network).
//!
//! What keeps it right:
//! - **Events.** Every committed status change is announced on `AppState::wish_events`. The cache holds its own
//!   receiver and reads what is waiting *before every lookup*, so a page served after a change was announced
//!   never shows the old state (a task listening in the background could be a moment late). A receiver that fell
//!   behind (`Lagged`) forgets everything.
//! - **A short TTL** ([`WALL_TTL`], 5 s). Events only reach this process. With several instances behind a load
//!   balancer, a change made through another instance shows here within the TTL; the TTL also bounds changes
//!   that are not status changes (a renamed building).
//! - **Generations.** A page read from the database while an event for its community arrived is served once but
//!   not kept, since it may predate the change.
//! - **One load at a time per community**, so a burst of visitors after an invalidation makes one query, not
//!   sixty-four.
//!
//! Unknown communities are remembered too (for the TTL), so a flood of `/wall/999999` costs no queries; the
//! map is cleared if it ever holds more than [`MAX_SLOTS`] communities.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tokio::sync::broadcast::{self, error::TryRecvError};
use tokio::sync::watch;
use weizhili_store::Db;
use weizhili_store::grid as grid_store;
use weizhili_store::wish as store;

use crate::AppError;
use crate::wish::{WallItem, WishEvent};

/// Wishes per wall page (HTML and JSON alike).
pub const WALL_PAGE_SIZE: u64 = 40;
/// How long a cached page may be served without an event saying it changed.
pub const WALL_TTL: Duration = Duration::from_secs(5);
/// More communities than this in the map (most of them unknown ids, i.e. someone probing) clears it.
const MAX_SLOTS: usize = 10_000;

/// One page of a community's wall, ready to render or send.
#[derive(Debug)]
pub struct WallView {
    pub community_id: i64,
    pub community: String,
    pub items: Vec<WallItem>,
    pub page: u64,
    pub has_next: bool,
    /// `items` as JSON, serialised once.
    pub json: Bytes,
}

#[derive(Default)]
struct Slot {
    /// Bumped by every event for this community.
    generation: u64,
    /// When it was loaded, and the page (`None`: no such community).
    page: Option<(Instant, Option<Arc<WallView>>)>,
    /// Held while the page is loaded from the database.
    loading: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct Slots {
    /// Bumped when everything is forgotten at once.
    epoch: u64,
    slots: HashMap<i64, Slot>,
}

pub struct WallCache {
    ttl: Duration,
    slots: Mutex<Slots>,
    events: Mutex<broadcast::Receiver<WishEvent>>,
    /// Set when the server shuts down: the big screens' event streams end, so shutdown need not wait for them.
    closing: watch::Sender<bool>,
    /// What time it is: a wish offered to a paired helper stays off the wall until the offer ends.
    clock: Arc<dyn weizhili_core::clock::Clock>,
}

enum Lookup {
    Fresh(Option<Arc<WallView>>),
    Load { epoch: u64, generation: u64, loading: Arc<tokio::sync::Mutex<()>> },
}

impl WallCache {
    /// A cache that learns of changes from `events` (a receiver of `AppState::wish_events`).
    pub fn new(
        events: broadcast::Receiver<WishEvent>,
        ttl: Duration,
        clock: Arc<dyn weizhili_core::clock::Clock>,
    ) -> WallCache {
        WallCache {
            clock,
            ttl,
            slots: Mutex::new(Slots::default()),
            events: Mutex::new(events),
            closing: watch::channel(false).0,
        }
    }

    /// Page `page` of the wall of `community_id` (404 for an unknown community). The first page comes from
    /// memory; later ones from the database, each costing its own rows.
    pub async fn page(&self, db: &Db, community_id: i64, page: u64) -> Result<Arc<WallView>, AppError> {
        let first = self.first_page(db, community_id).await?.ok_or(AppError::NotFound)?;
        if page <= 1 {
            return Ok(first);
        }
        let found = store::wall_page(db, community_id, page, WALL_PAGE_SIZE, self.clock.now()).await?;
        Ok(Arc::new(view(community_id, first.community.clone(), found)))
    }

    /// The first page of a community's wall, or `None` if there is no such community.
    pub async fn first_page(&self, db: &Db, community_id: i64) -> Result<Option<Arc<WallView>>, AppError> {
        self.drain();
        let loading = match self.lookup(community_id) {
            Lookup::Fresh(found) => return Ok(found),
            Lookup::Load { loading, .. } => loading,
        };
        let _one_at_a_time = loading.lock().await;
        // Whoever held the lock before us may have loaded it; and events may have come meanwhile.
        self.drain();
        let (epoch, generation) = match self.lookup(community_id) {
            Lookup::Fresh(found) => return Ok(found),
            Lookup::Load { epoch, generation, .. } => (epoch, generation),
        };
        let loaded = match grid_store::community(db, community_id).await? {
            None => None,
            Some(c) => Some(Arc::new(view(
                community_id,
                c.name,
                store::wall_page(db, community_id, 1, WALL_PAGE_SIZE, self.clock.now()).await?,
            ))),
        };
        let mut slots = self.lock();
        if slots.slots.len() > MAX_SLOTS {
            slots.epoch += 1;
            slots.slots.clear();
        }
        let current_epoch = slots.epoch;
        if let Some(slot) = slots.slots.get_mut(&community_id)
            && current_epoch == epoch
            && slot.generation == generation
        {
            slot.page = Some((Instant::now(), loaded.clone()));
        }
        Ok(loaded)
    }

    /// Forgets the wall of one community (an event said it changed).
    pub fn forget(&self, community_id: i64) {
        let mut slots = self.lock();
        if let Some(slot) = slots.slots.get_mut(&community_id) {
            slot.generation += 1;
            slot.page = None;
        }
    }

    /// Forgets every wall.
    pub fn forget_all(&self) {
        let mut slots = self.lock();
        slots.epoch += 1;
        slots.slots.clear();
    }

    /// Ends the big screens' event streams (the server is shutting down).
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    /// Becomes true when the streams should end.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        // A panic while holding the lock leaves nothing half-done that matters: it is a cache.
        self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lookup(&self, community_id: i64) -> Lookup {
        let mut slots = self.lock();
        let epoch = slots.epoch;
        let slot = slots.slots.entry(community_id).or_default();
        match &slot.page {
            Some((at, found)) if at.elapsed() < self.ttl => Lookup::Fresh(found.clone()),
            _ => Lookup::Load { epoch, generation: slot.generation, loading: slot.loading.clone() },
        }
    }

    /// Applies the events that arrived since the last look.
    fn drain(&self) {
        let mut events = self.events.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            match events.try_recv() {
                Ok(event) => self.forget(event.community_id),
                Err(TryRecvError::Lagged(_)) => self.forget_all(),
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
    }
}

fn view(community_id: i64, community: String, found: store::WallPage) -> WallView {
    let items: Vec<WallItem> = found.rows.iter().map(WallItem::build).collect();
    let json = Bytes::from(serde_json::to_vec(&items).unwrap_or_else(|_| b"[]".to_vec()));
    WallView { community_id, community, items, page: found.page, has_next: found.has_next, json }
}
