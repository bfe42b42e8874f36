"""What the register announces to the apps above it, so that it never imports them.

Both signals are sent inside the writing transaction, synchronously (`Signal.send`): a
receiver's error rolls the write back, and a receiver that writes does so atomically with
the register. Receivers connect in their app's `AppConfig.ready`.

`persons_saved` — sent with `persons`, the list of Person rows just saved: once per person
saved on its own, once per batch for a bulk registration (an import's chunk is one send),
so a receiver works in bulk. With `created=True` the persons are new rows of this transaction
(a bulk registration): nothing was kept for them before, so a receiver has nothing to replace.
Listeners: `matching` (`matching.keys.persons_saved`) rewrites
the persons' normalised name keys, which search and duplicate detection read.

`presence_changed` — sent with `actor`, `person_ids` and `reason` after persons' presence
changed (`services.apply_presence`). Listeners: `incidents`
(`incidents.services.follow_presences`) takes again from the register the killed and missing
figures of the incidents that count these persons.

`death_confirmed` — sent with `actor`, `person`, `died_on` and `note` when a reported death
is confirmed by a second person (`life_events.confirm_death`). Listeners: `status`
(`status.entries.follow_death`) records DECEASED in the person's status history.

The references of merged persons are not a signal: `queries.get_person` follows the alias
that `matching` keeps (`PersonAlias`, reverse name `aliases`) through the ORM.
"""

from django.dispatch import Signal

persons_saved = Signal()
presence_changed = Signal()
death_confirmed = Signal()
