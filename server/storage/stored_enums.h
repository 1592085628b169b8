// File: server/storage/stored_enums.h
//
// The core's enumerations as the numbers a stored body holds, and back.
// Every number stored was one the core had, so it is kept as it is, even
// one this build does not name (written by a later one): read and written
// back, it is not lost. Each stored_*.cc pins its enumerations' numbers
// with static_asserts. Pure; thread-safe.
#ifndef SAFEGUARD_SERVER_STORAGE_STORED_ENUMS_H_
#define SAFEGUARD_SERVER_STORAGE_STORED_ENUMS_H_

#include <vector>

namespace safeguard {

template <typename E>
E Enum(int value) {
  return static_cast<E>(value);
}

template <typename E, typename Repeated>
std::vector<E> Enums(const Repeated& in) {
  std::vector<E> out;
  for (int v : in) out.push_back(Enum<E>(v));
  return out;
}

template <typename E>
int Number(E value) {
  return static_cast<int>(value);
}

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_STORED_ENUMS_H_
