// SharedList<T>: a vector-like list whose copies share their elements
// (internal to model/; reached through model/model.h as Site::articles).
//
// Copying a SharedList copies pointers, not elements: the server's next
// content generation takes the previous one's articles as they are and
// replaces only those an import changed. Reading (const access, iteration by
// const reference) never copies. Writing through a non-const access (T& from
// operator[], back(), a non-const iterator) first copies the element when
// another list still shares it (copy on write), so that a change to one list
// is never seen through another.
//
// Thread safety: as a std::vector of values. Lists that share elements may be
// used from different threads (each list by one writer at a time): a shared
// element is never written, only replaced in the writing list.
#pragma once

#include <compare>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace vetted {

template <class T>
class SharedList {
 public:
  using value_type = T;
  using size_type = size_t;
  using difference_type = std::ptrdiff_t;
  using reference = T&;
  using const_reference = const T&;

  // Random-access iterator; yields const T& (Const) or T& (copy on write).
  template <bool Const>
  class Iter {
   public:
    using List = std::conditional_t<Const, const SharedList, SharedList>;
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using reference = std::conditional_t<Const, const T&, T&>;
    using pointer = std::conditional_t<Const, const T*, T*>;

    Iter() = default;
    Iter(List* list, size_t i) : list_(list), i_(i) {}
    operator Iter<true>() const { return Iter<true>(list_, i_); }  // NOLINT: iterator -> const_iterator
    reference operator*() const { return (*list_)[i_]; }
    pointer operator->() const { return &(*list_)[i_]; }
    reference operator[](difference_type n) const { return (*list_)[i_ + n]; }
    Iter& operator++() { return ++i_, *this; }
    Iter operator++(int) { return Iter(list_, i_++); }
    Iter& operator--() { return --i_, *this; }
    Iter operator--(int) { return Iter(list_, i_--); }
    Iter& operator+=(difference_type n) { return i_ += n, *this; }
    Iter& operator-=(difference_type n) { return i_ -= n, *this; }
    friend Iter operator+(Iter it, difference_type n) { return it += n; }
    friend Iter operator+(difference_type n, Iter it) { return it += n; }
    friend Iter operator-(Iter it, difference_type n) { return it -= n; }
    friend difference_type operator-(const Iter& a, const Iter& b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const Iter& a, const Iter& b) { return a.i_ == b.i_; }
    friend auto operator<=>(const Iter& a, const Iter& b) { return a.i_ <=> b.i_; }
    size_t index() const { return i_; }

   private:
    List* list_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  SharedList() = default;
  SharedList(std::initializer_list<T> items) {
    items_.reserve(items.size());
    for (const T& x : items) push_back(x);
  }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void reserve(size_t n) { items_.reserve(n); }
  void clear() { items_.clear(); }

  const T& operator[](size_t i) const { return *items_[i]; }
  T& operator[](size_t i) { return Own(i); }
  const T& front() const { return *items_.front(); }
  T& front() { return Own(0); }
  const T& back() const { return *items_.back(); }
  T& back() { return Own(items_.size() - 1); }

  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, items_.size()); }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }
  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, items_.size()); }

  void push_back(const T& x) { items_.push_back(std::make_shared<T>(x)); }
  void push_back(T&& x) { items_.push_back(std::make_shared<T>(std::move(x))); }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    items_.push_back(std::make_shared<T>(std::forward<Args>(args)...));
    return *items_.back();
  }

  // Sharing: the element at i, as shared with every list holding it.
  std::shared_ptr<const T> Shared(size_t i) const { return items_[i]; }
  // Puts `x` (shared, never written through this list) at i / before i.
  void Set(size_t i, std::shared_ptr<const T> x) { items_[i] = std::const_pointer_cast<T>(std::move(x)); }
  void Insert(size_t i, std::shared_ptr<const T> x) {
    items_.insert(items_.begin() + static_cast<difference_type>(i), std::const_pointer_cast<T>(std::move(x)));
  }
  void Erase(size_t i) { items_.erase(items_.begin() + static_cast<difference_type>(i)); }

 private:
  // The element at i, made this list's own first when another list shares it.
  T& Own(size_t i) {
    std::shared_ptr<T>& p = items_[i];
    if (p.use_count() != 1) p = std::make_shared<T>(std::as_const(*p));
    return *p;
  }
  std::vector<std::shared_ptr<T>> items_;
};

}  // namespace vetted
