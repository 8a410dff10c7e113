// Work-order tests live with the patrol findings that open them (src/domain/patrol/tests.rs).
