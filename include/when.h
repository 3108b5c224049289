/* SPDX-License-Identifier: ISC */
/*
 * when: the kinds of honest answer to "when will a counsellor call?". The
 * roster works out which one holds at an instant; the menu words it in
 * each language. One enum, so that neither has to keep a copy in step.
 */
#ifndef HOTLINED_WHEN_H
#define HOTLINED_WHEN_H

/* When a caller can expect the call, in Phnom Penh local time. */
enum when_kind {
	WHEN_WITHIN,		/* someone is on duty: within minutes */
	WHEN_TODAY_BEFORE,	/* someone is on duty: before hh:mm */
	WHEN_TONIGHT_BEFORE,	/* ... before hh:mm after midnight */
	WHEN_TODAY_FROM,	/* later today, from hh:mm */
	WHEN_TOMORROW_FROM,	/* tomorrow from hh:mm */
	WHEN_DAY_FROM,		/* on weekday wday from hh:mm */
	WHEN_UNKNOWN,		/* nobody on duty in the next 14 days */
	WHEN__COUNT
};

#endif
