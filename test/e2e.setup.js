// End-to-end specs start whole networks (twelve services, about 30 s) and drive them: give them time.
jest.setTimeout(300_000);
