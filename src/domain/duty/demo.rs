//! Demo duty history for 翠湖花园: filled in below.
