//! 演示小区 — the demo estate for training mode.
