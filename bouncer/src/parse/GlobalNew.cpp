// verpmail-bouncer-parse's operator new and delete: every allocation of the program
// goes through one SmallBlockPool (see there for why). The program has one thread,
// which the pool requires; the bouncer's other programs keep the usual allocator.
#include "SmallBlockPool.h"

#include <cstddef>
#include <new>

namespace {

// Constant-initialised (constexpr constructor, no destructor to run), so it is
// ready for allocations made before main, during other objects' initialisation.
verpmail::SmallBlockPool pool;

} // namespace

void* operator new(std::size_t bytes)
{
    if (void* const block = pool.allocate(bytes))
        return block;
    throw std::bad_alloc();
}

void* operator new[](std::size_t bytes)
{
    return operator new(bytes);
}

void* operator new(std::size_t bytes, const std::nothrow_t&) noexcept
{
    return pool.allocate(bytes);
}

void* operator new[](std::size_t bytes, const std::nothrow_t&) noexcept
{
    return pool.allocate(bytes);
}

void operator delete(void* block) noexcept
{
    pool.deallocate(block);
}

void operator delete[](void* block) noexcept
{
    pool.deallocate(block);
}

void operator delete(void* block, std::size_t) noexcept
{
    pool.deallocate(block);
}

void operator delete[](void* block, std::size_t) noexcept
{
    pool.deallocate(block);
}

void operator delete(void* block, const std::nothrow_t&) noexcept
{
    pool.deallocate(block);
}

void operator delete[](void* block, const std::nothrow_t&) noexcept
{
    pool.deallocate(block);
}
