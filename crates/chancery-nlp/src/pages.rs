//! Large read-only tables kept in transparent huge pages.
//!
//! The tagger's, parser's and entity tagger's weight tables are read at
//! random: a parser transition looks up 79 features spread over about
//! 8 MB. With 4 KiB pages nearly every such lookup misses the TLB as well
//! as the cache, and in a virtual machine each TLB miss walks two page
//! tables, itself a chain of cache misses. A table copied into memory the
//! kernel backs with 2 MiB pages (Linux with transparent huge pages set to
//! `madvise` or `always`) needs a handful of TLB entries instead of
//! thousands. Elsewhere, or when the kernel declines, the table is an
//! ordinary allocation and reads the same.

use std::fmt;
use std::ops::Deref;

use bytemuck::Pod;
use memmap2::{Mmap, MmapMut};

/// The size of a huge page on x86-64 and most aarch64 kernels.
const HUGE_PAGE: usize = 2 << 20;

/// Smaller tables stay on the heap: a huge page holds at least 2 MiB of
/// memory whatever the table's size, and a small table's pages stay in the
/// TLB anyway.
const MIN_BYTES: usize = 512 << 10;

/// A read-only copy of a slice, in huge pages where the system gives them.
pub(crate) struct Pages<T> {
    storage: Storage<T>,
}

enum Storage<T> {
    /// The items start at `offset`, the first huge-page boundary of the map.
    Mapped {
        map: Mmap,
        offset: usize,
        len: usize,
    },
    Heap(Vec<T>),
}

impl<T: Pod> Pages<T> {
    /// A copy of `items`.
    pub(crate) fn new(items: &[T]) -> Pages<T> {
        let storage = if std::mem::size_of_val(items) >= MIN_BYTES {
            mapped(items).unwrap_or_else(|| Storage::Heap(items.to_vec()))
        } else {
            Storage::Heap(items.to_vec())
        };
        Pages { storage }
    }

    /// The items.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[T] {
        match &self.storage {
            Storage::Mapped { map, offset, len } => {
                bytemuck::cast_slice(&map[*offset..*offset + len * std::mem::size_of::<T>()])
            }
            Storage::Heap(items) => items,
        }
    }

    /// Whether the items are in a mapping advised for huge pages (for tests).
    #[cfg(test)]
    fn is_mapped(&self) -> bool {
        matches!(self.storage, Storage::Mapped { .. })
    }
}

/// An anonymous map one huge page longer than `items` need, advised for
/// huge pages before anything is written, so that the kernel backs it with
/// them as it is first touched, with the items from its first huge-page
/// boundary on; `None` if the system refuses the map.
fn mapped<T: Pod>(items: &[T]) -> Option<Storage<T>> {
    let bytes = std::mem::size_of_val(items);
    let mut map = MmapMut::map_anon(bytes.next_multiple_of(HUGE_PAGE) + HUGE_PAGE).ok()?;
    #[cfg(target_os = "linux")]
    {
        // Only advice: without huge pages the table is read the same.
        let _ = map.advise(memmap2::Advice::HugePage);
    }
    let offset = map.as_ptr().align_offset(HUGE_PAGE).min(HUGE_PAGE);
    map[offset..offset + bytes].copy_from_slice(bytemuck::cast_slice(items));
    let map = map.make_read_only().ok()?;
    Some(Storage::Mapped {
        map,
        offset,
        len: items.len(),
    })
}

impl<T: Pod> Deref for Pages<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: Pod> Clone for Pages<T> {
    fn clone(&self) -> Pages<T> {
        Pages::new(self.as_slice())
    }
}

impl<T: Pod> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pages({} items)", self.as_slice().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_and_small_tables_read_back_what_was_copied() {
        for len in [
            0usize,
            1,
            1000,
            MIN_BYTES / 4 - 1,
            MIN_BYTES / 4,
            3 * HUGE_PAGE / 4 + 5,
        ] {
            let items: Vec<u32> = (0..len as u32)
                .map(|i| i.wrapping_mul(2_654_435_761))
                .collect();
            let pages = Pages::new(&items);
            assert_eq!(&pages[..], &items[..], "{len} items");
            assert_eq!(pages.clone().as_slice(), &items[..]);
            assert_eq!(pages.is_mapped(), len * 4 >= MIN_BYTES);
        }
    }
}
