//! Estate Desk (物业服务台): the customer-service desk of a residential estate, run entirely in
//! the browser of a tablet. See docs/ARCHITECTURE.md for the layers.

pub mod app;
pub mod bench;
pub mod domain;
pub mod office;
pub mod store;
pub mod sync;

#[cfg(test)]
mod testkit;

#[cfg(target_arch = "wasm32")]
pub mod ui;
