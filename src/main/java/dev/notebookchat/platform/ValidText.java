package dev.notebookchat.platform;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Text must be valid Unicode: JSON can smuggle a lone surrogate ({@code "\ud800"}) that no database
 * encoding can store faithfully, so it is refused at the door. {@code null} is left to
 * {@code @NotNull}.
 */
@Documented
@Constraint(validatedBy = ValidText.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidText {

    /**
     * For {@code @Pattern}: text with something besides white space in it, by Unicode's idea of white
     * space. {@code @NotBlank} and a plain {@code \S} let a title of only em or no-break spaces through,
     * {@code String.isBlank} the no-break ones, and such a title shows as nothing at all.
     */
    String NOT_BLANK = "(?sU).*\\S.*";

    String message() default "must be valid Unicode text (no lone surrogates)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ValidText, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || isWellFormed(value);
        }

        public static boolean isWellFormed(String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                        return false;
                    }
                    i++;
                } else if (Character.isLowSurrogate(c)) {
                    return false;
                }
            }
            return true;
        }
    }
}
