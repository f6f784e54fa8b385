//! The claim queue: claims go to one task that settles whatever has queued up in one transaction
//! (`store::wish::claim_many`, group commit). Alone, a claim is settled at once; under a burst, the claims that
//! arrive while one group is written form the next group, so the database does a group's few statements
//! instead of each claim's.

use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot};
use weizhili_core::clock::Clock;
use weizhili_store::wish::{self as store, ClaimOutcome, ClaimRequest};
use weizhili_store::{Db, StoreError, begin_write};

/// The most claims settled in one transaction.
const MAX_GROUP: usize = 128;

type Job = (ClaimRequest, oneshot::Sender<Result<ClaimOutcome, StoreError>>);

/// Started on first use (inside the runtime), by the first claim.
#[derive(Default)]
pub struct ClaimQueue {
    tx: OnceLock<mpsc::Sender<Job>>,
}

impl ClaimQueue {
    /// Settles one claim, with whichever others are queued at the time.
    pub async fn claim(
        &self,
        db: &Db,
        clock: &Arc<dyn Clock>,
        request: ClaimRequest,
    ) -> Result<ClaimOutcome, StoreError> {
        let tx = self.tx.get_or_init(|| {
            let (tx, rx) = mpsc::channel(4 * MAX_GROUP);
            tokio::spawn(run(db.clone(), clock.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        tx.send((request, reply)).await.map_err(|_| StoreError::Invalid("the claim queue has stopped".into()))?;
        answer.await.map_err(|_| StoreError::Invalid("the claim queue dropped a claim".into()))?
    }
}

async fn run(db: Db, clock: Arc<dyn Clock>, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let requests: Vec<ClaimRequest> = jobs.iter().map(|(r, _)| r.clone()).collect();
        match settle(&db, &requests, clock.now()).await {
            Ok(outcomes) => {
                for ((_, reply), outcome) in jobs.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            // A group failed as a whole (not a refusal: those are outcomes): settle each claim alone, so one
            // bad claim does not fail the others.
            Err(e) if jobs.len() == 1 => {
                if let Some((_, reply)) = jobs.pop() {
                    let _ = reply.send(Err(e));
                }
            }
            Err(_) => {
                for (request, reply) in jobs {
                    let one = settle(&db, std::slice::from_ref(&request), clock.now()).await;
                    let _ = reply.send(one.and_then(|mut v| v.pop().ok_or(StoreError::NotFound)));
                }
            }
        }
    }
}

async fn settle(
    db: &Db,
    requests: &[ClaimRequest],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ClaimOutcome>, StoreError> {
    let txn = begin_write(db).await?;
    let outcomes = store::claim_many(&txn, requests, now).await?;
    txn.commit().await?;
    Ok(outcomes)
}
