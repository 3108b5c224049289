/* SPDX-License-Identifier: ISC */
/*
 * phone: normalising, showing and checking phone numbers, used by every
 * check of one (menu answers, the request row, the roster's SMS targets).
 */
#ifndef HOTLINED_PHONE_H
#define HOTLINED_PHONE_H

#include <stddef.h>

/*
 * Normalise a Cambodian phone number (0XXXXXXXX[X], 855..., +855...,
 * spaces and dashes allowed) into buf as "+855..." Returns 0, or -1 if it
 * is not a plausible Cambodian number.
 */
int	phone_kh(const char *in, char *buf, size_t len);

/*
 * A "+855..." number as a caller writes it, grouped for reading back:
 * "012 999 888" or "097 123 4567". Returns 0, or -1 if it is not one.
 */
int	phone_show(const char *e164, char *buf, size_t len);

/*
 * Return 1 if s is an international number: "+" (only when plus is set)
 * then 8 to 15 digits, the first not 0.
 */
int	phone_intl_ok(const char *s, int plus);

/*
 * Normalise the number an SMS gateway gives for a sender into buf:
 * "+<country code><number>", 6 to 15 digits ("00..." and "855..." keep
 * their country code; a national "0..." is taken as Cambodian). Returns
 * 0, or -1 when it is not a number.
 */
int	phone_e164(const char *in, char *buf, size_t len);

/*
 * Normalise a number as the store was given it: as a USSD caller's
 * (phone_kh), else as an SMS sender's (phone_e164). Returns 0, or -1
 * when it is neither.
 */
int	phone_stored(const char *in, char *buf, size_t len);

#endif
