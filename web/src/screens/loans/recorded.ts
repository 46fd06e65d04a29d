// What a money form on the award page hands back once the server recorded it (loans).
import type { Allocation, AwardEntry } from '../../lib/api';

export interface Recorded {
  entry: AwardEntry;
  message: 'disburse.done' | 'repay.done' | 'close.done';
  allocation: Allocation | null;
}
