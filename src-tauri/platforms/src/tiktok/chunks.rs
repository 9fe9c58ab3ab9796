//! TikTok's chunk rules for `FILE_UPLOAD` (`../shared/platforms/tiktok-api.md` §3.4): a file up to
//! 64,000,000 bytes goes whole; a larger one in chunks of 10,000,000 bytes (raised when the file
//! would need more than 1,000), the last chunk absorbing the remainder (so it is at most twice a
//! chunk, well under TikTok's 128 MB). "MB" is ambiguous in TikTok's docs; decimal limits are
//! within both readings.

use std::ops::Range;

/// The largest file sent in one piece (decimal 64 MB: within both 64 MB and 64 MiB).
pub const SINGLE_CHUNK_MAX: u64 = 64_000_000;
/// The chunk size Herald uses for larger files (TikTok's own example value).
pub const DEFAULT_CHUNK: u64 = 10_000_000;
/// The smallest chunk TikTok accepts (5 MiB: within both readings of 5 MB).
pub const MIN_CHUNK: u64 = 5 * 1024 * 1024;
/// The most chunks one upload may have.
pub const MAX_CHUNKS: u64 = 1_000;
/// The largest video TikTok accepts (4 GB).
pub const MAX_VIDEO_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Why a file cannot be uploaded to TikTok.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum ChunkPlanError {
    #[error("the video is empty")]
    Empty,
    #[error("the video is {:.1} GB; TikTok accepts up to 4 GB", *.0 as f64 / 1e9)]
    TooLarge(u64),
}

/// How a file is cut: what `video/init` is told, and the byte range of each chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkPlan {
    pub video_size: u64,
    pub chunk_size: u64,
    pub total_chunk_count: u64,
}

impl ChunkPlan {
    /// The plan for a file of `size` bytes, or why it cannot be uploaded.
    pub fn for_size(size: u64) -> Result<ChunkPlan, ChunkPlanError> {
        if size == 0 {
            return Err(ChunkPlanError::Empty);
        }
        if size > MAX_VIDEO_BYTES {
            return Err(ChunkPlanError::TooLarge(size));
        }
        if size <= SINGLE_CHUNK_MAX {
            return Ok(ChunkPlan {
                video_size: size,
                chunk_size: size,
                total_chunk_count: 1,
            });
        }
        let chunk_size = DEFAULT_CHUNK.max(size.div_ceil(MAX_CHUNKS));
        Ok(ChunkPlan {
            video_size: size,
            chunk_size,
            total_chunk_count: size / chunk_size,
        })
    }

    /// The byte range of chunk `index` (0-based); the last one runs to the end of the file.
    pub fn range(&self, index: u64) -> Range<u64> {
        let start = index * self.chunk_size;
        let end = if index + 1 >= self.total_chunk_count {
            self.video_size
        } else {
            start + self.chunk_size
        };
        start..end
    }

    /// The chunk that starts at `offset`, if `offset` is a chunk boundary.
    pub fn chunk_at(&self, offset: u64) -> Option<u64> {
        (0..self.total_chunk_count).find(|i| self.range(*i).start == offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_go_whole() {
        let plan = ChunkPlan::for_size(3_000_000).unwrap();
        assert_eq!((plan.chunk_size, plan.total_chunk_count), (3_000_000, 1));
        assert_eq!(plan.range(0), 0..3_000_000);
        let plan = ChunkPlan::for_size(SINGLE_CHUNK_MAX).unwrap();
        assert_eq!(plan.total_chunk_count, 1);
    }

    #[test]
    fn the_documented_example_and_large_files_follow_the_rules() {
        // TikTok's worked example uses 10,000,000-byte chunks; Herald sends ≤ 64 MB whole, so
        // check the same arithmetic on a 70 MB and a 300 MB file.
        for size in [
            70_000_000u64,
            70 * 1024 * 1024,
            300 * 1024 * 1024,
            4 * 1024 * 1024 * 1024,
        ] {
            let plan = ChunkPlan::for_size(size).unwrap();
            assert_eq!(plan.total_chunk_count, size / plan.chunk_size, "{size}");
            assert!((1..=MAX_CHUNKS).contains(&plan.total_chunk_count));
            let mut covered = 0;
            for i in 0..plan.total_chunk_count {
                let range = plan.range(i);
                assert_eq!(range.start, covered);
                let len = range.end - range.start;
                assert!(len >= MIN_CHUNK, "{size}: chunk {i} is {len}");
                if i + 1 < plan.total_chunk_count {
                    assert!(len <= 64_000_000);
                } else {
                    assert!(len <= 128_000_000, "{size}: last chunk {len}");
                }
                covered = range.end;
            }
            assert_eq!(covered, size);
        }
        let plan = ChunkPlan::for_size(70_000_000).unwrap();
        assert_eq!((plan.chunk_size, plan.total_chunk_count), (10_000_000, 7));
        assert_eq!(plan.chunk_at(20_000_000), Some(2));
        assert_eq!(plan.chunk_at(20_000_001), None);
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        assert_eq!(ChunkPlan::for_size(0), Err(ChunkPlanError::Empty));
        assert!(ChunkPlan::for_size(MAX_VIDEO_BYTES + 1)
            .unwrap_err()
            .to_string()
            .contains("4 GB"));
    }
}
