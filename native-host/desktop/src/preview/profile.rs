//! Device profiles: the screens the app ships to, and a device without a JIT.

use crate::bundle::EngineKind;

/// A device the preview shows the bundle as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DeviceProfile {
    /// A 720p TV (1280×720).
    #[value(name = "720p")]
    Hd,
    /// A 1080p TV (1920×1080): what the pages are designed for.
    #[default]
    #[value(name = "1080p")]
    FullHd,
    /// A 4K TV (3840×2160).
    #[value(name = "4k")]
    UltraHd,
    /// A 1080p device that cannot JIT: the bundle runs on the Pulley interpreter, as on
    /// devices where executable memory is not allowed.
    #[value(name = "slow")]
    Slow,
}

impl DeviceProfile {
    /// Every profile, in the order `F2` cycles through them.
    pub const ALL: [DeviceProfile; 4] =
        [DeviceProfile::Hd, DeviceProfile::FullHd, DeviceProfile::UltraHd, DeviceProfile::Slow];

    /// Its command-line name (`--profile NAME`).
    pub fn name(self) -> &'static str {
        match self {
            DeviceProfile::Hd => "720p",
            DeviceProfile::FullHd => "1080p",
            DeviceProfile::UltraHd => "4k",
            DeviceProfile::Slow => "slow",
        }
    }

    /// The viewport.
    pub fn size(self) -> (u32, u32) {
        match self {
            DeviceProfile::Hd => (1280, 720),
            DeviceProfile::FullHd | DeviceProfile::Slow => (1920, 1080),
            DeviceProfile::UltraHd => (3840, 2160),
        }
    }

    /// The back end that runs the bundle.
    pub fn engine(self) -> EngineKind {
        match self {
            DeviceProfile::Slow => EngineKind::Pulley,
            _ => EngineKind::Cranelift,
        }
    }

    /// The profile after this one.
    pub fn next(self) -> DeviceProfile {
        let at = Self::ALL.iter().position(|&p| p == self).unwrap_or(0);
        Self::ALL[(at + 1) % Self::ALL.len()]
    }
}

impl std::fmt::Display for DeviceProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, h) = self.size();
        write!(
            f,
            "{} ({w}×{h}, {})",
            self.name(),
            if *self == DeviceProfile::Slow { "Pulley" } else { "Cranelift" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_cycle_through_every_one() {
        let mut seen = vec![DeviceProfile::Hd];
        while seen.len() < 5 {
            seen.push(seen[seen.len() - 1].next());
        }
        assert_eq!(
            seen,
            [
                DeviceProfile::Hd,
                DeviceProfile::FullHd,
                DeviceProfile::UltraHd,
                DeviceProfile::Slow,
                DeviceProfile::Hd
            ]
        );
        assert_eq!(DeviceProfile::Slow.engine(), EngineKind::Pulley);
        assert_eq!(DeviceProfile::UltraHd.size(), (3840, 2160));
    }
}
