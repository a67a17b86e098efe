import Chassis
import Hotel

Service.main(NotificationContext.self)
