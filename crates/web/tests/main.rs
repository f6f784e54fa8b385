//! One integration-test binary for the web application: the real app on a random port, a fresh seeded
//! database per test, a cookie-keeping client. The same suite runs on PostgreSQL when
//! `WEIZHILI_TEST_POSTGRES_URL` is set.

#![expect(clippy::unwrap_used, reason = "a test that cannot unwrap should fail loudly")]

mod fixture;
mod helpers;

mod auth;
mod claims;
mod competitions;
mod csrf;
mod errors;
mod event_after;
mod event_pages;
mod event_series;
mod events;
mod followup;
mod grid;
mod group_leaders;
mod matrix;
mod ops;
mod paging;
mod photos;
mod races;
mod roster;
mod wall;
mod wish;
