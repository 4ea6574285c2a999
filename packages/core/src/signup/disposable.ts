/**
 * Self-serve sign-up refuses slugs that look disposable, on top of the platform's slug rules (platform/slug.ts):
 * a workspace named like a throwaway test ties up a name and usually a trial nobody will use, and random
 * strings are what sign-up scripts generate. The rule, applied to the slug's hyphen-separated parts:
 * - digits only (`12345`, `2024-01`): nobody's name;
 * - a throwaway word as a part, digits around it ignored (`test`, `test2`, `my-temp-01`, `asdf`): see THROWAWAY;
 * - a random-looking part: 6 or more consonants in a row (`xkqzrtv`), 8 or more characters with no vowel
 *   (`hjkl7mnp`), or 8 or more characters mixing letters and digits that switch kind 4 times or more
 *   (`a8f3k2m9`, `3fa9c2b1`): words and brand names do not, generated ids do.
 * The operator's platform API and CLI are not bound by it: an operator may name a workspace anything valid.
 */
const THROWAWAY = new Set([
  ...["test", "tests", "testing", "tester", "temp", "tmp", "temporary", "throwaway", "disposable"],
  ...["fake", "dummy", "sample", "example", "trial", "spam", "junk", "trash", "scratch", "delete", "deleteme"],
  ...["asdf", "asdfgh", "qwerty", "qwer", "zxcv", "foo", "bar", "baz", "foobar", "xxx", "aaa", "abc", "abcd"],
  ...["hello", "hi", "null", "undefined", "nobody", "noname", "untitled", "mytest", "mytemp", "demo"],
]);

const VOWELS = /[aeiouy]/;

function randomLooking(part: string): boolean {
  if (/[bcdfghjklmnpqrstvwxz]{6,}/.test(part)) return true;
  const letters = part.replace(/[0-9]/g, "");
  if (part.length >= 8 && !VOWELS.test(letters)) return true;
  if (part.length >= 8 && /[0-9]/.test(part) && /[a-z]/.test(part)) {
    const switches = [...part].filter((ch, i) => i > 0 && /[0-9]/.test(ch) !== /[0-9]/.test(part[i - 1]!)).length;
    if (switches >= 4) return true;
  }
  return false;
}

/** Why `slug` (already valid by the platform's rules) looks disposable, in words, or null. */
export function disposableSlugProblem(slug: string): string | null {
  if (/^[0-9-]+$/.test(slug)) return "a workspace name needs letters, not only digits";
  const parts = slug.split("-").filter(Boolean);
  const word = parts.map((p) => p.replace(/^[0-9]+|[0-9]+$/g, "")).find((p) => THROWAWAY.has(p));
  if (word !== undefined || THROWAWAY.has(slug.replace(/[0-9-]/g, ""))) {
    return `"${word ?? slug.replace(/[0-9-]/g, "")}" looks like a test or throwaway name; choose your organisation's name`;
  }
  if (parts.some(randomLooking)) return "looks randomly generated; choose your organisation's name";
  return null;
}
