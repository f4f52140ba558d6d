// SmallBlockPool: see the header.
#include "SmallBlockPool.h"

#include <cstdint>
#include <cstdlib>

namespace verpmail {

void* SmallBlockPool::allocate(std::size_t bytes) noexcept
{
    if (bytes > kLargest) {
        if (bytes > SIZE_MAX - kAlignment)
            return nullptr;
        char* const header = static_cast<char*>(std::malloc(bytes + kAlignment));
        if (header == nullptr)
            return nullptr;
        *reinterpret_cast<std::size_t*>(header) = kFromMalloc;
        return header + kAlignment;
    }
    const std::size_t size = bytes == 0 ? 1 : (bytes + kAlignment - 1) / kAlignment;
    if (FreeBlock* const block = _free[size]) {
        _free[size] = block->next;
        return block;
    }
    return carve(size);
}

void* SmallBlockPool::carve(std::size_t size) noexcept
{
    const std::size_t need = kAlignment + size * kAlignment;
    if (static_cast<std::size_t>(_slabEnd - _slabNext) < need) {
        // The rest of the old slab is left unused: at most one largest block's worth.
        char* const slab = static_cast<char*>(std::malloc(kSlabBytes));
        if (slab == nullptr)
            return nullptr;
        _slabNext = slab;
        _slabEnd = slab + kSlabBytes;
    }
    char* const header = _slabNext;
    _slabNext += need;
    *reinterpret_cast<std::size_t*>(header) = size;
    return header + kAlignment;
}

void SmallBlockPool::deallocate(void* block) noexcept
{
    if (block == nullptr)
        return;
    char* const header = static_cast<char*>(block) - kAlignment;
    const std::size_t size = *reinterpret_cast<const std::size_t*>(header);
    if (size == kFromMalloc) {
        std::free(header);
        return;
    }
    auto* const freed = static_cast<FreeBlock*>(block);
    freed->next = _free[size];
    _free[size] = freed;
}

} // namespace verpmail
