// Internal to newsroom/ (included by newsroom/newsroom.h): the article
// workflow (states, who may do what, ../shared/newsroom.md) and the audit log.
#pragma once
