"""The synthetic demo: a camp seeded through the services as its officers would fill it
(`seeding`, with its resettlement picture in `resettlement`), and the generator of synthetic
registrations that tests and benchmarks use (`synthetic`). Every name, date and reference
here is invented.

It sits on the top floor: it may use every app's services, and no app imports it. Its
`asylon demo` command seeds the camp and serves it.
"""
