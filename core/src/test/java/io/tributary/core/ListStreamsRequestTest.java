package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListStreamsRequestTest {

    @Test
    void firstListsFromTheStartWithoutFilters() {
        ListStreamsRequest request = ListStreamsRequest.first(50);

        assertThat(request).isEqualTo(new ListStreamsRequest(Optional.empty(), "", Optional.empty(), 50));
    }

    @Test
    void ofCategoryFiltersByCategory() {
        assertThat(ListStreamsRequest.ofCategory("order", 10).category()).contains("order");
    }

    @Test
    void afterKeepsTheFiltersAndSetsTheCursor() {
        ListStreamsRequest request = new ListStreamsRequest(Optional.of("account"), "account-1", Optional.empty(), 5);

        ListStreamsRequest next = request.after("account-15");

        assertThat(next).isEqualTo(new ListStreamsRequest(Optional.of("account"), "account-1", Optional.of("account-15"), 5));
    }

    @Test
    void acceptsLimitsFromOneToTenThousand() {
        assertThat(ListStreamsRequest.first(1).limit()).isEqualTo(1);
        assertThat(ListStreamsRequest.first(10_000).limit()).isEqualTo(10_000);
        assertThatThrownBy(() -> ListStreamsRequest.first(0)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ListStreamsRequest.first(10_001)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ListStreamsRequest.first(-5)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void rejectsANullPrefix() {
        assertThatThrownBy(() -> new ListStreamsRequest(Optional.empty(), null, Optional.empty(), 10))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("\"\"");
    }
}
