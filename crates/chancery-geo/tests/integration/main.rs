//! Integration tests of chancery-geo.
