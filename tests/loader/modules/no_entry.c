/* A shared object without flyteplug_module_entry_v1. */
int flyteplug_test_not_an_entry(void) { return 42; }
