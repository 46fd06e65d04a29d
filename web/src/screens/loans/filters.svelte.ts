// A list screen's filters kept in the address (loans): 300 ms after the last change the
// query is rewritten in place (so "back" from a row's page returns to the same list) and
// the list is loaded again. Call while the screen's component is being set up.
import { searchOf } from '../../lib/loans';
import { location, navigate } from '../../lib/router.svelte';

export function filtersInAddress(
  path: string,
  filters: () => Record<string, string>,
  reload: () => void,
): void {
  $effect(() => {
    const query = filters();
    const timer = setTimeout(() => {
      const wanted = searchOf(query);
      if (wanted !== location.search) navigate(`${path}${wanted}`, true);
      reload();
    }, 300);
    return () => clearTimeout(timer);
  });
}
