package dev.parley.ingress.validation;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks {@link CleanText}; also usable directly, and able to make provider text clean instead. */
public final class CleanTextValidator implements ConstraintValidator<CleanText, CharSequence> {

  @Override
  public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
    return value == null || isClean(value);
  }

  public static boolean isClean(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          int codePoint = Character.toCodePoint(c, text.charAt(++i));
          if (isNonCharacter(codePoint)) {
            return false;
          }
          continue;
        }
        return false;
      }
      if (Character.isLowSurrogate(c) || isRefusedControl(c) || isNonCharacter(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Text from a provider (a WhatsApp message) that cannot be refused, because it was sent already:
   * control characters are dropped and broken or non-characters become U+FFFD, so nothing
   * downstream ever fails on it.
   */
  public static String clean(String text) {
    if (text == null || isClean(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        int codePoint = Character.toCodePoint(c, text.charAt(++i));
        out.appendCodePoint(isNonCharacter(codePoint) ? 0xFFFD : codePoint);
      } else if (Character.isSurrogate(c) || isNonCharacter(c)) {
        out.append('\uFFFD');
      } else if (!isRefusedControl(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isRefusedControl(char c) {
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F);
  }

  private static boolean isNonCharacter(int codePoint) {
    return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
  }
}
