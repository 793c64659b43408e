//! End-to-end tests of the galmass CLI live in `tests/tests/`.
