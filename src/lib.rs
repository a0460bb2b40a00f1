//! Touchline facade.
