// SmallBlockPool: memory for the many small, short-lived objects of a program with
// one thread (verpmail-bouncer-parse), cheaper than malloc.
//
//   constinit-style global:  verpmail::SmallBlockPool pool;   // usable before main
//   void* p = pool.allocate(40);   // 16-aligned, or nullptr when out of memory
//   pool.deallocate(p);
//
// Blocks up to kLargest bytes are carved from large slabs in sizes of 16 and, when
// given back, kept on a list per size for the next request of that size; larger
// ones come from malloc. A 16-byte header before each block says which. Nothing is
// given back to the system: what the pool holds is bounded by the most that was
// live at once, per size.
//
// Performance: parsing one return makes and frees some 26 blocks (strings, field
// and part vectors); through glibc's malloc and free each pair cost ~160
// instructions, about 7% of a parse. Here a pair is a list pop and push.
//
// Not thread-safe, by design: only a single-threaded program may route its
// allocations through one pool.
#pragma once

#include <cstddef>

namespace verpmail {

class SmallBlockPool
{
public:
    /// Requests up to this many bytes are served from the pool's own slabs.
    static constexpr std::size_t kLargest = 1024;
    /// Every block is aligned to this (what operator new promises).
    static constexpr std::size_t kAlignment = 16;

    constexpr SmallBlockPool() = default;
    SmallBlockPool(const SmallBlockPool&) = delete;
    SmallBlockPool& operator=(const SmallBlockPool&) = delete;

    /// A block of at least `bytes` (a distinct one for 0), aligned to kAlignment;
    /// nullptr when the system has no memory left.
    void* allocate(std::size_t bytes) noexcept;

    /// Gives back a block this pool's allocate() returned; nullptr is ignored.
    void deallocate(void* block) noexcept;

private:
    static constexpr std::size_t kSizes = kLargest / kAlignment;
    static constexpr std::size_t kSlabBytes = 256 * 1024;
    /// The header's mark of a block that came from malloc.
    static constexpr std::size_t kFromMalloc = 0;

    struct FreeBlock
    {
        FreeBlock* next;
    };

    /// A new block of `size` units of kAlignment from the current slab (or a new one).
    void* carve(std::size_t size) noexcept;

    FreeBlock* _free[kSizes + 1] = {};   ///< by size in units of kAlignment (0 unused)
    char* _slabNext = nullptr;
    char* _slabEnd = nullptr;
};

} // namespace verpmail
