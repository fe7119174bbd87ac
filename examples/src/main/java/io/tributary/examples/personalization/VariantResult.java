package io.tributary.examples.personalization;

/**
 * The live result of one A/B test variant.
 *
 * @param variant  the variant
 * @param users    users assigned to it (exposed)
 * @param buyers   distinct users of the variant who bought something after the assignment
 */
public record VariantResult(String variant, long users, long buyers) {
    /** Buyers per assigned user. */
    public double conversionRate() {
        return users == 0 ? 0 : (double) buyers / users;
    }
}
