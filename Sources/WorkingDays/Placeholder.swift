// WorkingDays
