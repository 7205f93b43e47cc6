// Internal to newsroom/ (included by newsroom/newsroom.h): accounts,
// passwords, second factor, sessions, CSRF and sign-in throttling.
#pragma once
