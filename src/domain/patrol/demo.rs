//! Demo patrol history (filled below).
